#pragma once
// The signing keys the server uses right now: the active key (with its JWS header pre-encoded) and
// the JWKS document of every key whose tokens may still be live. Immutable; rebuilt on change.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jose/public_key_set.hpp"
#include "jose/signing_key.hpp"
#include "store/key_record.hpp"

namespace tokengate::issuer {

struct KeySet {
  std::shared_ptr<const jose::SigningKey> active;  // null until a key is loaded
  std::string active_header_b64;                   // BASE64URL({"alg","typ":"at+jwt","kid"})
  std::string jwks_json;                           // {"keys":[...]} (RFC 7517 §5)
  jose::PublicKeySet public_keys;                  // the same keys, to verify our own tokens with

  // Retired keys stay published until `retired_at + common::kMaxTokenLifetime`: then no token they signed
  // can be live, whatever lifetimes were configured before or since.
  static std::shared_ptr<const KeySet> build(const std::vector<store::KeyRecord>& keys, int64_t now);
};

}  // namespace tokengate::issuer
