#pragma once
// The signing keys the server uses right now, from the key chain in the store: the active key (with
// its JWS header pre-encoded), and the JWKS of every key a verifier may need: the next key before it
// signs (published first, so verifiers know it before they meet it), the active one, and retired
// ones until the last token they signed has expired. Withdrawn keys are in neither. Immutable;
// rebuilt on change.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jose/key_encryption.hpp"
#include "jose/public_key_set.hpp"
#include "jose/signing_key.hpp"
#include "store/key_record.hpp"

namespace tokengate::issuer {

struct KeySet {
  std::shared_ptr<const jose::SigningKey> active;  // null until a key is loaded
  std::string active_header_b64;                   // BASE64URL({"alg","typ":"at+jwt","kid"})
  std::string jwks_json;                           // {"keys":[...]} (RFC 7517 §5)
  jose::PublicKeySet public_keys;                  // the same keys, to verify our own tokens with
  int64_t next_change = 0;  // when this set would be built differently (a key activates or expires); 0: never

  // The set as it is at `now` (Unix seconds). A key is active from its activates_at until its
  // retired_at; published until `retired_at + common::kMaxTokenLifetime`, when no token it signed
  // can be live, whatever lifetimes were configured before or since.
  // Sealed private keys are opened with `kek` (std::runtime_error without it, or with the wrong one).
  static std::shared_ptr<const KeySet> build(const std::vector<store::KeyRecord>& keys, int64_t now,
                                             const jose::KeyEncryption* kek = nullptr);
};

}  // namespace tokengate::issuer
