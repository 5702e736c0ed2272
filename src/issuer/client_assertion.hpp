#pragma once
// private_key_jwt, second half in issuer mode (RFC 7523 §3, RFC 7521 §4.2, OpenID Connect Core §9):
// whether a client assertion is a JWT the client signed with one of its registered keys, for this
// server, now. Single use (`jti`) is the AssertionLedger's part, asked after this says yes.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <optional>

#include <boost/json/object.hpp>

#include "jose/jws_verify.hpp"
#include "jose/public_key_set.hpp"
#include "oauth/oauth_error.hpp"

namespace tokengate::issuer {

struct AssertionRules {
  // `aud` must hold one of these: the issuer identifier, or the URL of the endpoint posted to
  // (many clients still send the token endpoint's).
  std::vector<std::string> audiences;
  int64_t leeway_seconds = 30;  // clock skew allowed on exp, nbf and iat
  // `exp` may lie at most this far ahead: the `jti` is remembered that long on every node.
  int64_t max_ahead_seconds = 600;
};

struct VerifiedAssertion {
  std::string jti;
  int64_t expires_at = 0;  // Unix seconds until which its jti is remembered: exp + leeway + kClockMargin
};

// An assertion taken apart once, before anything is verified: its parts, and what it names (where to
// look for its keys). Views into the assertion's text, which must outlive it.
struct ParsedAssertion {
  std::optional<jose::CompactJws> jws;        // nullopt: not a compact JWS
  std::optional<boost::json::object> header;  // nullopt: not a JSON object
  std::optional<boost::json::object> claims;
  std::string kid, iss, sub;
};
ParsedAssertion parse_assertion(std::string_view assertion);

// Checks `assertion` as `client_id`'s, signed by one of `keys` (null: no such client, or none of
// its keys could be had: the same work is done with a key nobody holds, and the same error
// follows, so that a known and an unknown client take the same time). Never fetches anything:
// `jku`, `x5u`, `jwk` and `x5c` headers are refused, not followed.
std::variant<VerifiedAssertion, oauth::OAuthError> verify_client_assertion(std::string_view assertion,
                                                                           std::string_view client_id,
                                                                           const jose::PublicKeySet* keys,
                                                                           const AssertionRules& rules, int64_t now);
std::variant<VerifiedAssertion, oauth::OAuthError> verify_client_assertion(const ParsedAssertion& parsed,
                                                                           std::string_view client_id,
                                                                           const jose::PublicKeySet* keys,
                                                                           const AssertionRules& rules, int64_t now);

// The steps both kinds of assertion share (a client's own, a federated workload's). The claims of
// an assertion signed by one of `keys` (`signer` ends the refusal's sentence: whose keys were
// tried; `used_key`, if given, is set to the key that verified it); no key from the assertion
// itself is used. The claims are `parsed`'s.
std::variant<const boost::json::object*, oauth::OAuthError> signed_claims(const ParsedAssertion& parsed,
                                                                          const jose::PublicKeySet* keys,
                                                                          const std::string& signer,
                                                                          const jose::PublicKeySet::Key** used_key = nullptr);
// exp (required, not past, at most rules.max_ahead_seconds ahead), nbf and iat, with the leeway.
std::optional<oauth::OAuthError> check_times(const boost::json::object& claims, const AssertionRules& rules, int64_t now);
// Whether `aud` (a string or an array) holds one of `audiences`.
bool audience_matches(const boost::json::object& claims, const std::vector<std::string>& audiences);

// How long past an assertion's exp (and the leeway) its jti is remembered: the nodes' clocks may
// differ by this much.
constexpr int64_t kClockMargin = 60;

// Makes the keys an unknown client's assertion is checked against (an RSA key takes a while):
// once, at start, not on the first request's event loop.
void prepare_assertion_checks();

// The `kid` an assertion's header names (empty: none, or not a JWT).
std::string assertion_kid(std::string_view assertion);

}  // namespace tokengate::issuer
