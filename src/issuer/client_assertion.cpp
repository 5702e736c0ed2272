#include "issuer/client_assertion.hpp"

#include <boost/json/parse.hpp>

#include "common/base64url.hpp"
#include "common/json_member.hpp"
#include "jose/jws_verify.hpp"
#include "jose/signing_key.hpp"

namespace tokengate::issuer {
namespace {

using oauth::OAuthError;

OAuthError refused(std::string message) { return OAuthError::invalid_client(std::move(message), false); }

std::optional<boost::json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

// A NumericDate (RFC 7519 §2): an integer or a number; nullopt if absent or not one.
std::optional<int64_t> numeric_date(const boost::json::object& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  constexpr double kLimit = 9007199254740992.0;  // 2^53: beyond it a date means nothing
  const auto& v = it->value();
  if (v.is_int64() && v.as_int64() > -static_cast<int64_t>(kLimit) && v.as_int64() < static_cast<int64_t>(kLimit))
    return v.as_int64();
  if (v.is_uint64() && v.as_uint64() < static_cast<uint64_t>(kLimit)) return static_cast<int64_t>(v.as_uint64());
  if (v.is_double() && v.as_double() > -kLimit && v.as_double() < kLimit) return static_cast<int64_t>(v.as_double());
  return std::nullopt;
}

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

// Whether one of the client's keys for `alg` (the one named `kid`, when there is one) signed it.
bool signed_by(const jose::CompactJws& jws, jose::Algorithm alg, std::string_view kid, const jose::PublicKeySet* keys) {
  bool ok = false;
  int tried = 0;
  if (keys) {
    for (const auto& key : keys->keys()) {
      if (key.alg != alg || (!kid.empty() && key.kid != kid)) continue;
      ++tried;
      if (jose::verify_signature(key.pkey.get(), alg, jws.signing_input, jws.signature)) {
        ok = true;
        break;
      }
    }
  }
  if (tried == 0) jose::verify_signature(key_nobody_holds(alg), alg, jws.signing_input, jws.signature);
  return ok;
}

}  // namespace

std::string assertion_kid(std::string_view assertion) {
  size_t dot = assertion.find('.');
  if (dot == std::string_view::npos) return {};
  auto header_text = common::base64url_decode(assertion.substr(0, dot));
  if (!header_text) return {};
  auto header = parse_object(*header_text);
  return header ? std::string(common::string_member(*header, "kid")) : std::string();
}

UnverifiedNames peek_assertion(std::string_view assertion) {
  UnverifiedNames names;
  names.kid = assertion_kid(assertion);
  if (auto jws = jose::parse_compact(assertion)) {
    if (auto claims = parse_object(jws->payload)) {
      names.iss = std::string(common::string_member(*claims, "iss"));
      names.sub = std::string(common::string_member(*claims, "sub"));
    }
  }
  return names;
}

std::variant<boost::json::object, OAuthError> signed_claims(std::string_view assertion, const jose::PublicKeySet* keys,
                                                            const std::string& signer) {
  auto jws = jose::parse_compact(assertion);
  if (!jws) return refused("The client_assertion is not a signed JWT (three base64url parts, RFC 7515 §7.1).");
  auto header = parse_object(jws->header);
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
    return refused("The client_assertion's alg must be ES256, EdDSA, RS256 or PS256 (an assertion signed with none or "
                   "with a shared-secret HMAC is refused).");
  if (!signed_by(*jws, *alg, common::string_member(*header, "kid"), keys))
    return refused("The client_assertion is not signed by a key " + signer + "; check its kid and alg.");
  auto claims = parse_object(jws->payload);
  if (!claims) return refused("The client_assertion's claims are not a JSON object.");
  return std::move(*claims);
}

std::optional<OAuthError> check_times(const boost::json::object& claims, const AssertionRules& rules, int64_t now) {
  auto exp = numeric_date(claims, "exp");
  if (!exp) return refused("The client_assertion has no valid exp claim (RFC 7523 §3).");
  if (*exp + rules.leeway_seconds <= now) return refused("The client_assertion has expired; sign a new one.");
  if (*exp > now + rules.max_ahead_seconds + rules.leeway_seconds)
    return refused("The client_assertion's exp lies more than " + std::to_string(rules.max_ahead_seconds) +
                   " seconds ahead; sign assertions that expire sooner.");
  if (auto nbf = numeric_date(claims, "nbf"); nbf && *nbf - rules.leeway_seconds > now)
    return refused("The client_assertion is not valid yet (nbf); check the client's clock.");
  if (claims.contains("nbf") && !numeric_date(claims, "nbf"))
    return refused("The client_assertion's nbf is not a NumericDate.");
  if (auto iat = numeric_date(claims, "iat"); iat && *iat - rules.leeway_seconds > now)
    return refused("The client_assertion is issued in the future (iat); check the client's clock.");
  if (claims.contains("iat") && !numeric_date(claims, "iat"))
    return refused("The client_assertion's iat is not a NumericDate.");
  return std::nullopt;
}

std::variant<VerifiedAssertion, OAuthError> verify_client_assertion(std::string_view assertion, std::string_view client_id,
                                                                    const jose::PublicKeySet* keys,
                                                                    const AssertionRules& rules, int64_t now) {
  auto signed_ok = signed_claims(assertion, keys,
                                 "registered for client '" + std::string(client_id) +
                                     "', or there is no such client with private_key_jwt");
  if (auto* e = std::get_if<OAuthError>(&signed_ok)) return std::move(*e);
  const auto* claims = &std::get<boost::json::object>(signed_ok);
  std::string_view iss = common::string_member(*claims, "iss");
  std::string_view sub = common::string_member(*claims, "sub");
  if (iss != client_id || sub != client_id)
    return refused("The client_assertion's iss and sub must both be the client ID '" + std::string(client_id) +
                   "' (RFC 7523 §3).");
  if (!audience_matches(*claims, rules.audiences))
    return refused("The client_assertion's aud must name this server: its issuer identifier '" +
                   (rules.audiences.empty() ? std::string() : rules.audiences.front()) + "' or this endpoint's URL.");
  if (auto e = check_times(*claims, rules, now)) return std::move(*e);
  std::string_view jti = common::string_member(*claims, "jti");
  if (jti.empty()) return refused("The client_assertion has no jti; each assertion needs a unique one (RFC 7523 §3).");
  if (jti.size() > 256) return refused("The client_assertion's jti is longer than 256 characters.");
  return VerifiedAssertion{std::string(jti), *numeric_date(*claims, "exp")};
}

}  // namespace tokengate::issuer
