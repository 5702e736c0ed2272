#include "common/json_text.hpp"

#include <charconv>

namespace tokengate::common {

void append_json_string(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  // Fast path: nothing to escape (client IDs, scopes, URLs), one append.
  bool plain = true;
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    plain = plain && c >= 0x20 && c != '"' && c != '\\';
  }
  if (plain) {
    out.append(value);
    out.push_back('"');
    return;
  }
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

void append_json_member(std::string& out, std::string_view name, std::string_view value) {
  append_json_string(out, name);
  out.push_back(':');
  append_json_string(out, value);
}

void append_json_member_verbatim(std::string& out, std::string_view name, std::string_view value) {
  append_json_string(out, name);
  out += ":\"";
  out += value;
  out += '"';
}

void append_json_member(std::string& out, std::string_view name, int64_t value) {
  append_json_string(out, name);
  out.push_back(':');
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

}  // namespace tokengate::common
