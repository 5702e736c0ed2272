#include "jose/ecdsa_signature.hpp"

#include <cstring>

namespace tokengate::jose {
namespace {

// Reads one DER INTEGER at `p` (short-form length only, enough for P-256/P-384), writes it
// right-aligned into `out[width]`. Advances p.
bool read_integer(const unsigned char*& p, const unsigned char* end, size_t width, unsigned char* out) {
  if (end - p < 2 || p[0] != 0x02) return false;
  size_t len = p[1];
  p += 2;
  if (len == 0 || len > 127 || static_cast<size_t>(end - p) < len) return false;
  const unsigned char* v = p;
  p += len;
  while (len > 0 && *v == 0) { ++v; --len; }  // strip the sign-padding zero(s)
  if (len > width) return false;
  std::memset(out, 0, width - len);
  std::memcpy(out + (width - len), v, len);
  return true;
}

void append_integer(std::string& out, std::string_view bytes) {
  size_t i = 0;
  while (i + 1 < bytes.size() && bytes[i] == 0) ++i;  // minimal encoding
  std::string_view v = bytes.substr(i);
  bool pad = static_cast<unsigned char>(v[0]) & 0x80;  // keep it positive
  out.push_back(0x02);
  out.push_back(static_cast<char>(v.size() + (pad ? 1 : 0)));
  if (pad) out.push_back('\0');
  out.append(v);
}

}  // namespace

bool ecdsa_der_to_raw(std::string_view der, size_t width, unsigned char* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const auto* end = p + der.size();
  if (end - p < 2 || p[0] != 0x30) return false;
  size_t seq_len = p[1];
  p += 2;
  if (seq_len > 127 || static_cast<size_t>(end - p) != seq_len) return false;
  return read_integer(p, end, width, out) && read_integer(p, end, width, out + width) && p == end;
}

std::string ecdsa_raw_to_der(std::string_view raw) {
  size_t width = raw.size() / 2;
  std::string body;
  append_integer(body, raw.substr(0, width));
  append_integer(body, raw.substr(width));
  std::string der;
  der.push_back(0x30);
  der.push_back(static_cast<char>(body.size()));
  der += body;
  return der;
}

}  // namespace tokengate::jose
