#pragma once
// Signing keys in the store: the first key on an empty store, and rotation.
#include <cstdint>

#include "jose/algorithm.hpp"
#include "store/store.hpp"

namespace tokengate::issuer {

// Generates a key record (private key as PEM, kid = RFC 7638 thumbprint).
store::KeyRecord generate_key_record(jose::Algorithm alg, int64_t now);

// The active key, generated with `alg` if the store has none (safe when several start at once).
store::KeyRecord ensure_signing_key(store::Store& store, jose::Algorithm alg);

// A new active key; the previous one is retired but stays in the JWKS while its tokens can live.
// Keys retired before that are deleted.
store::KeyRecord rotate_signing_key(store::Store& store, jose::Algorithm alg);

}  // namespace tokengate::issuer
