#include "observe/exposition.hpp"

#include <cstdio>

namespace tokengate::observe {

void Exposition::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  for (char c : help) {  // HELP escapes backslash and newline
    if (c == '\\') out_ += "\\\\";
    else if (c == '\n') out_ += "\\n";
    else out_ += c;
  }
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void Exposition::sample(std::string_view name, std::string_view labels, uint64_t value) {
  sample_text(name, labels, std::to_string(value));
}

void Exposition::sample(std::string_view name, std::string_view labels, double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);
  sample_text(name, labels, text);
}

void Exposition::sample_text(std::string_view name, std::string_view labels, std::string_view value) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    out_ += labels;
    out_ += '}';
  }
  out_ += ' ';
  out_ += value;
  out_ += '\n';
}

std::string Exposition::label_value(std::string_view raw) {
  std::string out = "\"";
  for (char c : raw) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  out += '"';
  return out;
}

}  // namespace tokengate::observe
