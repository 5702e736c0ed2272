#pragma once
// A registered OAuth client as the store keeps it. The secret is only ever held as a digest.
#include <cstdint>
#include <optional>
#include <string_view>
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
  // How it authenticates (RFC 7591 §2 token_endpoint_auth_method): with its secret
  // (client_secret_basic or client_secret_post), or with a JWT signed by one of its keys
  // (private_key_jwt, RFC 7523 §2.2), which it has registered inline (`jwks`, a JWKS document) or
  // publishes at `jwks_uri`. A private_key_jwt client has no secret: its digest is of 32 random
  // bytes nobody was given.
  enum class Auth { secret, private_key_jwt };
  Auth auth = Auth::secret;
  std::string jwks;
  std::string jwks_uri;
  std::vector<std::string> scopes;  // the scopes it may be granted; empty = none
  std::string audience;             // `aud` of its tokens; empty = the server's default
  std::string generation;           // names its tokens' status lists; replaced when they are all revoked
  int64_t token_ttl = 0;            // seconds; 0 = the server's default
  bool enabled = true;
  int64_t created_at = 0;           // Unix seconds
  int64_t updated_at = 0;
};

// The stored name of each way ("client_secret", "private_key_jwt"), and back (nullopt: unknown).
const char* auth_name(ClientRecord::Auth auth);
std::optional<ClientRecord::Auth> parse_auth(std::string_view name);

}  // namespace tokengate::store
