#pragma once
// A signing key as the store keeps it. Keys form a chain: each signs from `activates_at` until
// `retired_at` (when its successor activates). A new key is published before it signs (the
// publish delay), and a retired key stays published until the last token it signed has expired. A
// withdrawn key (compromised) is neither published nor trusted, from `withdrawn_at` on.
#include <cstdint>
#include <optional>
#include <string>

#include "jose/algorithm.hpp"

namespace tokengate::store {

struct KeyRecord {
  std::string kid;
  jose::Algorithm alg = jose::Algorithm::ES256;
  std::string private_pem;               // PKCS#8; empty once retired (only the public half is kept)
  std::string public_jwk;                // the public JWK (RFC 7517), with kid, alg and use
  int64_t created_at = 0;
  int64_t activates_at = 0;             // signs from then on (Unix seconds)
  std::optional<int64_t> retired_at;    // signs no more from then on (may lie ahead); nullopt: the newest key
  std::optional<int64_t> withdrawn_at;  // out of the JWKS and untrusted from then on
};

}  // namespace tokengate::store
