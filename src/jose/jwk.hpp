#pragma once
// Public keys as JWKs (RFC 7517) and their thumbprints (RFC 7638).
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "jose/algorithm.hpp"
#include "jose/openssl_ptr.hpp"

namespace tokengate::jose {

// The RFC 7638 §3.2 required members of the public key, e.g. {"crv","kty","x","y"} for EC.
boost::json::object public_key_members(EVP_PKEY* key, Algorithm alg);

// base64url(SHA-256(canonical JSON of the required members)), RFC 7638 §3.
std::string thumbprint(const boost::json::object& required_members);

// Builds a public EVP_PKEY from a JWK (kty EC/P-256, OKP/Ed25519 or RSA); nullptr if the JWK is
// malformed or of a kind we do not verify. `alg` receives the algorithm the key is for.
PkeyPtr public_key_from_jwk(const boost::json::object& jwk, Algorithm& alg);

}  // namespace tokengate::jose
