#include "issuer/client_assertion.hpp"

#include <boost/json/parse.hpp>

#include "common/base64url.hpp"
#include "common/echo.hpp"
#include "common/json_member.hpp"
#include "jose/jws_verify.hpp"
#include "jose/signing_key.hpp"

namespace tokengate::issuer {
namespace {

using oauth::OAuthError;

OAuthError refused(std::string message) { return OAuthError::invalid_client(std::move(message), false); }

}  // namespace

bool audience_matches(const boost::json::object& claims, const std::vector<std::string>& audiences) {
  auto it = claims.find("aud");
  if (it == claims.end()) return false;
  auto one = [&](const boost::json::value& v) {
    if (!v.is_string()) return false;
    for (const auto& a : audiences)
      if (v.as_string() == a) return true;
    return false;
  };
  if (it->value().is_array()) {
    for (const auto& v : it->value().as_array())
      if (one(v)) return true;
    return false;
  }
  return one(it->value());
}

namespace {

// A key of `alg` nobody holds: what an assertion for an unknown client is checked against.
EVP_PKEY* key_nobody_holds(jose::Algorithm alg) {
  static const jose::SigningKey es256 = jose::SigningKey::generate(jose::Algorithm::ES256);
  static const jose::SigningKey eddsa = jose::SigningKey::generate(jose::Algorithm::EdDSA);
  static const jose::SigningKey rsa = jose::SigningKey::generate(jose::Algorithm::RS256);
  switch (alg) {
    case jose::Algorithm::ES256: return es256.pkey();
    case jose::Algorithm::EdDSA: return eddsa.pkey();
    case jose::Algorithm::RS256:
    case jose::Algorithm::PS256: return rsa.pkey();
  }
  return es256.pkey();
}

// Without a kid, at most this many keys of the algorithm are tried: a JWKS of a thousand keys must
// not make each guess cost a thousand signature checks.
constexpr int kMaxKeysWithoutKid = 8;

// The one of `keys` for `alg` (the one named `kid`, when there is one) that signed it, or null.
const jose::PublicKeySet::Key* signed_by(const jose::CompactJws& jws, jose::Algorithm alg, std::string_view kid,
                                         const jose::PublicKeySet* keys) {
  int tried = 0;
  if (keys) {
    for (const auto& key : keys->keys()) {
      if (key.alg != alg || (!kid.empty() && key.kid != kid)) continue;
      if (++tried > kMaxKeysWithoutKid) break;
      if (jose::verify_signature(key.pkey.get(), alg, jws.signing_input, jws.signature)) return &key;
    }
  }
  if (tried == 0) jose::verify_signature(key_nobody_holds(alg), alg, jws.signing_input, jws.signature);
  return nullptr;
}

}  // namespace

ParsedAssertion parse_assertion(std::string_view assertion) {
  ParsedAssertion parsed;
  parsed.jws = jose::parse_compact(assertion);
  if (!parsed.jws) return parsed;
  parsed.header = common::parse_json_object(parsed.jws->header);
  parsed.claims = common::parse_json_object(parsed.jws->payload);
  if (parsed.header) parsed.kid = std::string(common::string_member(*parsed.header, "kid"));
  if (parsed.claims) {
    parsed.iss = std::string(common::string_member(*parsed.claims, "iss"));
    parsed.sub = std::string(common::string_member(*parsed.claims, "sub"));
  }
  return parsed;
}

std::string assertion_kid(std::string_view assertion) { return parse_assertion(assertion).kid; }

void prepare_assertion_checks() {
  for (jose::Algorithm alg : {jose::Algorithm::ES256, jose::Algorithm::EdDSA, jose::Algorithm::RS256})
    key_nobody_holds(alg);
}

std::variant<const boost::json::object*, OAuthError> signed_claims(const ParsedAssertion& parsed,
                                                                   const jose::PublicKeySet* keys,
                                                                   const std::string& signer,
                                                                   const jose::PublicKeySet::Key** used_key) {
  const auto& jws = parsed.jws;
  const auto& header = parsed.header;
  if (!jws) return refused("The client_assertion is not a signed JWT (three base64url parts, RFC 7515 §7.1).");
  if (!header) return refused("The client_assertion's header is not a JSON object.");
  if (header->contains("crit"))
    return refused("The client_assertion requires extensions (crit) this server does not implement.");
  // A key named by the request would let anyone sign: only the client's registered keys count.
  for (const char* name : {"jku", "x5u", "jwk", "x5c"}) {
    if (header->contains(name))
      return refused("The client_assertion's header has '" + std::string(name) +
                     "': keys named or carried by an assertion are never used; sign with a key registered for the "
                     "client and name it with kid.");
  }
  std::string_view alg_name = common::string_member(*header, "alg");
  auto alg = jose::parse_algorithm(alg_name);
  if (!alg)
    return refused("The client_assertion's alg must be ES256, EdDSA (Ed25519), RS256 or PS256 (an assertion signed with none or "
                   "with a shared-secret HMAC is refused).");
  const jose::PublicKeySet::Key* key = signed_by(*jws, *alg, parsed.kid, keys);
  if (!key) return refused("The client_assertion is not signed by a key " + signer + "; check its kid and alg.");
  if (!parsed.claims) return refused("The client_assertion's claims are not a JSON object.");
  if (used_key) *used_key = key;
  return &*parsed.claims;
}

std::optional<OAuthError> check_times(const boost::json::object& claims, const AssertionRules& rules, int64_t now) {
  auto exp = common::numeric_date(claims, "exp");
  if (!exp) return refused("The client_assertion has no valid exp claim (RFC 7523 §3).");
  if (*exp + rules.leeway_seconds <= now) return refused("The client_assertion has expired; sign a new one.");
  if (*exp > now + rules.max_ahead_seconds + rules.leeway_seconds)
    return refused("The client_assertion's exp lies more than " + std::to_string(rules.max_ahead_seconds) +
                   " seconds ahead; sign assertions that expire sooner.");
  if (auto nbf = common::numeric_date(claims, "nbf"); nbf && *nbf - rules.leeway_seconds > now)
    return refused("The client_assertion is not valid yet (nbf); check the client's clock.");
  if (claims.contains("nbf") && !common::numeric_date(claims, "nbf"))
    return refused("The client_assertion's nbf is not a NumericDate.");
  if (auto iat = common::numeric_date(claims, "iat"); iat && *iat - rules.leeway_seconds > now)
    return refused("The client_assertion is issued in the future (iat); check the client's clock.");
  if (claims.contains("iat") && !common::numeric_date(claims, "iat"))
    return refused("The client_assertion's iat is not a NumericDate.");
  return std::nullopt;
}

std::variant<VerifiedAssertion, OAuthError> verify_client_assertion(std::string_view assertion, std::string_view client_id,
                                                                    const jose::PublicKeySet* keys,
                                                                    const AssertionRules& rules, int64_t now) {
  return verify_client_assertion(parse_assertion(assertion), client_id, keys, rules, now);
}

std::variant<VerifiedAssertion, OAuthError> verify_client_assertion(const ParsedAssertion& parsed,
                                                                    std::string_view client_id,
                                                                    const jose::PublicKeySet* keys,
                                                                    const AssertionRules& rules, int64_t now) {
  auto signed_ok = signed_claims(parsed, keys,
                                 "registered for client '" + common::safe_echo(client_id) +
                                     "', or there is no such client with private_key_jwt, or its keys could not be "
                                     "fetched from its jwks_uri (the server's log says why)");
  if (auto* e = std::get_if<OAuthError>(&signed_ok)) return std::move(*e);
  const boost::json::object* claims = std::get<const boost::json::object*>(signed_ok);
  std::string_view iss = common::string_member(*claims, "iss");
  std::string_view sub = common::string_member(*claims, "sub");
  if (iss != client_id || sub != client_id)
    return refused("The client_assertion's iss and sub must both be the client ID '" + common::safe_echo(client_id) +
                   "' (RFC 7523 §3).");
  if (!audience_matches(*claims, rules.audiences))
    return refused("The client_assertion's aud must name this server: its issuer identifier '" +
                   (rules.audiences.empty() ? std::string() : rules.audiences.front()) + "' or this endpoint's URL.");
  if (auto e = check_times(*claims, rules, now)) return std::move(*e);
  std::string_view jti = common::string_member(*claims, "jti");
  if (jti.empty()) return refused("The client_assertion has no jti; each assertion needs a unique one (RFC 7523 §3).");
  if (jti.size() > 256) return refused("The client_assertion's jti is longer than 256 characters.");
  if (std::any_of(jti.begin(), jti.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; }))
    return refused("The client_assertion's jti holds control characters.");
  // Remembered until no node would take the assertion any more: its exp, the leeway, and a margin
  // for the nodes' clocks.
  return VerifiedAssertion{std::string(jti), *common::numeric_date(*claims, "exp") + rules.leeway_seconds + kClockMargin};
}

}  // namespace tokengate::issuer
