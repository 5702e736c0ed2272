#include "common/secret_digest.hpp"

#include <openssl/crypto.h>

namespace tokengate::common {

SecretDigest digest_secret(std::string_view secret) { return common::sha256(secret); }

bool secret_matches(std::string_view presented, const SecretDigest& stored) {
  return digest_matches(digest_secret(presented), stored);
}

bool digest_matches(const SecretDigest& presented, const SecretDigest& stored) {
  return CRYPTO_memcmp(presented.data(), stored.data(), presented.size()) == 0;
}

}  // namespace tokengate::common
