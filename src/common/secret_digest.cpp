#include "common/secret_digest.hpp"

#include <openssl/crypto.h>

namespace tokengate::common {

SecretDigest digest_secret(std::string_view secret) { return common::sha256(secret); }

bool secret_matches(std::string_view presented, const SecretDigest& stored) {
  SecretDigest d = digest_secret(presented);
  return CRYPTO_memcmp(d.data(), stored.data(), d.size()) == 0;
}

}  // namespace tokengate::common
