#pragma once
// Verifies a JWT access token as a resource server must (RFC 9068 §4): JWS signature with a key
// from the set (by kid, with the algorithm the key is for: no "none", no HMAC, no algorithm
// confusion), typ "at+jwt", then iss, aud, exp and nbf. The same checks serve other JWTs of ours
// (a status list token: another typ).
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "jose/public_key_set.hpp"
#include "jose/verified_token_cache.hpp"

namespace tokengate::jose {

// Views of the caller's strings, which outlive the call.
struct JwtExpectations {
  std::string_view issuer;    // empty: not checked
  std::string_view audience;  // empty: not checked
  std::string_view type = "at+jwt";  // the `typ` required (also as application/TYPE); empty: not checked
  int64_t leeway_seconds = 30;  // clock skew allowed on exp and nbf
  // When set: `iat` is required, and `exp - iat` may not exceed it (no issuer of ours makes a
  // token that lives longer).
  int64_t max_lifetime = 0;
};

struct JwtFailure {
  enum Reason {
    malformed, unknown_key, bad_signature, wrong_type, wrong_issuer, wrong_audience, expired, not_yet_valid,
    revoked,  // checked by the issuer (revocations, client state), not here
  };
  Reason reason;
  std::string message;  // for error_description: says what is wrong, never echoes the token
};

// The verified token, or why it is refused. A token whose signature this thread verified before
// (with a key still in `keys`) is not verified again (jose/verified_token_cache.hpp): for tokens
// presented again and again (access tokens).
std::variant<VerifiedTokenPtr, JwtFailure> verify_remembered(std::string_view token, const PublicKeySet& keys,
                                                             const JwtExpectations& expect, int64_t now);

// The same, for a caller that has looked the token up in the memory already: `digest` is the
// token's SHA-256, `recalled` what recall_verified(digest) answered (maybe null).
std::variant<VerifiedTokenPtr, JwtFailure> verify_remembered(std::string_view token, const common::Sha256Digest& digest,
                                                             VerifiedTokenPtr recalled,
                                                             const PublicKeySet& keys, const JwtExpectations& expect,
                                                             int64_t now);

// The same, its claims copied out.
std::variant<boost::json::object, JwtFailure> verify_access_token(std::string_view token, const PublicKeySet& keys,
                                                                  const JwtExpectations& expect, int64_t now);

// The same checks with no memory: for a JWT seen once (a status list token, fetched once per TTL).
std::variant<boost::json::object, JwtFailure> verify_jwt_once(std::string_view token, const PublicKeySet& keys,
                                                              const JwtExpectations& expect, int64_t now);

}  // namespace tokengate::jose
