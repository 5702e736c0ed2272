#pragma once
// The process's one memory of verified tokens, per thread, shared by issuer mode and libtokengate:
// a token whose signature was checked once costs a hash and a lookup the next time, instead of a
// signature check. Only the signature is remembered: every claim is checked again on each use
// (jose/jwt_verifier.hpp), and an entry counts only while the key it was verified with is still in
// the verifier's key set.
//
// Entries are found by the SHA-256 of the whole token; the token itself is not kept (a crash dump
// holds no bearer token of it). Not a faster hash: std::hash has a fixed seed and can be inverted
// block by block, so a holder of one token could make a different string with the same hash and the
// same signature part, and have it accepted as that token.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "common/sha256.hpp"
#include "jose/algorithm.hpp"
#include "jose/openssl_ptr.hpp"

namespace tokengate::jose {

struct VerifiedToken {
  std::string kid;
  Algorithm alg = Algorithm::ES256;  // its header's, which is its key's
  std::shared_ptr<EVP_PKEY> key;  // the key it was verified with: held, so its identity is never reused
  std::string typ;                // its header's, checked again on each use
  boost::json::object claims;

  const std::string& claims_json() const;  // the claims as JSON text, made when first asked for

 private:
  mutable std::once_flag serialized_;
  mutable std::string json_;
};
using VerifiedTokenPtr = std::shared_ptr<const VerifiedToken>;

// The calling thread's entry for the token whose SHA-256 is `digest`, or null. Callers hash a
// token once and use the digest for both the lookup and, on a miss, the remembering.
VerifiedTokenPtr recall_verified(const common::Sha256Digest& digest);
void remember_verified(const common::Sha256Digest& digest, VerifiedTokenPtr verified);
inline VerifiedTokenPtr recall_verified(std::string_view token) { return recall_verified(common::sha256(token)); }

}  // namespace tokengate::jose
