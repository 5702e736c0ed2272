#pragma once
// A registered OAuth client as the store keeps it. The secret is only ever held as a digest.
#include <cstdint>
#include <string>
#include <vector>

#include "common/secret_digest.hpp"

namespace tokengate::store {

struct ClientRecord {
  std::string id;
  std::string name;
  common::SecretDigest secret_digest{};
  // The secret it had before its last rotation, still accepted until `previous_secret_until` (Unix
  // seconds; 0: there is none): a rotation with a grace period (`client rotate-secret --grace`).
  common::SecretDigest previous_secret_digest{};
  int64_t previous_secret_until = 0;
  std::vector<std::string> scopes;  // the scopes it may be granted; empty = none
  std::string audience;             // `aud` of its tokens; empty = the server's default
  std::string generation;           // names its tokens' status lists; replaced when they are all revoked
  int64_t token_ttl = 0;            // seconds; 0 = the server's default
  bool enabled = true;
  int64_t created_at = 0;           // Unix seconds
  int64_t updated_at = 0;
};

}  // namespace tokengate::store
