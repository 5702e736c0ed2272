#include "common/base64url.hpp"

#include <array>
#include <cstdint>

namespace tokengate::common {
namespace {

constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Reverse table for one alphabet: value 0..63, or -1 for "not in the alphabet".
constexpr std::array<int8_t, 256> reverse_table(char c62, char c63) {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 26; ++i) {
    table['A' + i] = static_cast<int8_t>(i);
    table['a' + i] = static_cast<int8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<int8_t>(52 + i);
  table[static_cast<unsigned char>(c62)] = 62;
  table[static_cast<unsigned char>(c63)] = 63;
  return table;
}
constexpr auto kUrlReverse = reverse_table('-', '_');
constexpr auto kStdReverse = reverse_table('+', '/');

std::optional<std::string> decode_unpadded(std::string_view text, const std::array<int8_t, 256>& rev) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : text) {
    int v = rev[c];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Left-over bits must be zero, otherwise two encodings would decode to the same bytes.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

void base64url_append(std::string& out, std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  size_t start = out.size();
  out.resize(start + (n * 4 + 2) / 3);
  char* o = out.data() + start;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
    *o++ = kUrlAlphabet[(v >> 18) & 63];
    *o++ = kUrlAlphabet[(v >> 12) & 63];
    *o++ = kUrlAlphabet[(v >> 6) & 63];
    *o++ = kUrlAlphabet[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = uint32_t{p[i]} << 16;
    *o++ = kUrlAlphabet[(v >> 18) & 63];
    *o++ = kUrlAlphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8);
    *o++ = kUrlAlphabet[(v >> 18) & 63];
    *o++ = kUrlAlphabet[(v >> 12) & 63];
    *o++ = kUrlAlphabet[(v >> 6) & 63];
  }
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  base64url_append(out, bytes);
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out = base64url_encode(bytes);
  for (char& c : out) c = c == '-' ? '+' : (c == '_' ? '/' : c);
  while (out.size() % 4) out += '=';
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  return decode_unpadded(text, kUrlReverse);
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  return decode_unpadded(text.substr(0, text.size() - pad), kStdReverse);
}

}  // namespace tokengate::common
