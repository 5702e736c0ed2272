#include "issuer/identifiers.hpp"

#include <openssl/crypto.h>

#include <array>
#include <cstdio>

#include "common/random.hpp"
#include "jose/base64url.hpp"

namespace tokengate::issuer {

std::string generate_token_id() {
  // Drawn from a per-thread pool filled 4 KiB at a time: each RAND_bytes call costs a getpid()
  // system call (OpenSSL's fork check), too much to pay on every token.
  thread_local std::array<unsigned char, 4096> pool;
  thread_local size_t used = pool.size();
  if (used + 16 > pool.size()) {
    common::random_bytes(pool.data(), pool.size());
    used = 0;
  }
  std::string id = jose::base64url_encode(std::string_view(reinterpret_cast<const char*>(pool.data() + used), 16));
  OPENSSL_cleanse(pool.data() + used, 16);
  used += 16;
  return id;
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
