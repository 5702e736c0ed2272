#pragma once
// Signing keys in the store: the first key on an empty store, rotation with a publish delay, and
// the withdrawal of a compromised key.
#include <cstdint>
#include <optional>
#include <string>

#include "audit/actor.hpp"
#include "jose/algorithm.hpp"
#include "jose/key_encryption.hpp"
#include "store/store.hpp"

namespace tokengate::issuer {

// A fresh key record (private key as PEM, sealed with `kek` when given; public JWK; kid = RFC 7638
// thumbprint) that signs from `activates_at`.
store::KeyRecord generate_key_record(jose::Algorithm alg, int64_t now, std::optional<int64_t> activates_at = {},
                                     const jose::KeyEncryption* kek = nullptr);

// The head of the key chain, generated with `alg` and active at once if the store has no key (safe
// when several servers start at once).
store::KeyRecord ensure_signing_key(store::Store& store, jose::Algorithm alg, const jose::KeyEncryption* kek = nullptr);

// A new key, published now and signing after `publish_delay` seconds (0: at once), when the
// previous one retires. Verifiers that cache the JWKS for less than the delay know the key before
// they meet a token it signed. Keys no token can still need are deleted. With no key signing now,
// the new one signs at once.
store::KeyRecord rotate_signing_key(store::Store& store, jose::Algorithm alg, int64_t publish_delay = 0,
                                    const jose::KeyEncryption* kek = nullptr, const audit::Actor& actor = {});

struct Withdrawal {
  bool found = false;
  std::optional<store::KeyRecord> replacement;  // set when the withdrawn key was signing, or about to
};
// Takes a compromised key out of the JWKS at once; every token it signed stops being accepted. If
// it was the key that signs (or the one that would), a new key (`alg`) signs at once instead.
Withdrawal withdraw_signing_key(store::Store& store, const std::string& kid, jose::Algorithm alg,
                                const jose::KeyEncryption* kek = nullptr, const audit::Actor& actor = {});

}  // namespace tokengate::issuer
