#pragma once
// A revocation as the store keeps it: of one token (by its `jti`), or of every token of one client
// issued under one generation (client revoke-tokens, disable, delete). Kept until every token it
// can concern has expired, then purged.
#include <cstdint>
#include <string>

namespace tokengate::store {

struct RevocationRecord {
  enum class Kind { token, generation };
  Kind kind = Kind::token;
  std::string key;        // the jti, or the client's generation
  std::string client_id;  // whose tokens (may be empty when unknown)
  int64_t revoked_at = 0;
  int64_t expires_at = 0;  // purged after this (Unix seconds)
  int64_t seq = 0;         // read back: numbered in commit order by the store (0: before numbering)
};

}  // namespace tokengate::store
