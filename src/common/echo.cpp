#include "common/echo.hpp"

namespace tokengate::common {
namespace {

// The length of the valid UTF-8 sequence at the start of `s` (RFC 3629 §4), or 0.
size_t sequence_length(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;
}

std::string clean(std::string_view text, size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars * 4) + 4);
  size_t chars = 0;
  while (!text.empty()) {
    if (chars == max_chars) {
      out += "\xE2\x80\xA6";  // …
      break;
    }
    size_t n = sequence_length(text);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      n = 1;
    } else if (n == 1 && (static_cast<unsigned char>(text[0]) < 0x20 || text[0] == 0x7F)) {
      out += '?';
    } else {
      out.append(text.substr(0, n));
    }
    text.remove_prefix(n);
    ++chars;
  }
  return out;
}

}  // namespace

std::string safe_echo(std::string_view text, size_t max_chars) { return clean(text, max_chars); }

std::string valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {  // the common case, already valid: one pass, no copy
    size_t n = sequence_length(text.substr(i));
    if (n == 0) return clean(text, std::string::npos);
    i += n;
  }
  return std::string(text);
}

}  // namespace tokengate::common
