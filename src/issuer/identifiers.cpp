#include "issuer/identifiers.hpp"

#include <array>
#include <cstdio>

#include "common/random.hpp"
#include "common/base64url.hpp"

namespace tokengate::issuer {

std::string generate_generation() {
  std::array<char, 8> bytes;
  common::random_bytes(bytes.data(), bytes.size());
  return common::base64url_encode(std::string_view(bytes.data(), bytes.size()));
}

std::string generate_client_id() {
  std::array<unsigned char, 16> b;
  common::random_bytes(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4 (RFC 9562 §5.4)
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // variant 10
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

}  // namespace tokengate::issuer
