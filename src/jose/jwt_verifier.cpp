#include "jose/jwt_verifier.hpp"

#include <boost/json/parse.hpp>

#include "common/json_member.hpp"
#include "common/ascii.hpp"
#include "jose/jws_verify.hpp"
#include "jose/verified_token_cache.hpp"

namespace tokengate::jose {
namespace {


using common::string_member;

bool audience_matches(const boost::json::object& claims, std::string_view audience) {
  auto it = claims.find("aud");
  if (it == claims.end()) return false;
  if (it->value().is_string()) return it->value().as_string() == audience;
  if (it->value().is_array()) {
    for (const auto& a : it->value().as_array())
      if (a.is_string() && a.as_string() == audience) return true;
  }
  return false;
}


}  // namespace

namespace {

// RFC 7515 §5.2 with RFC 9068 §4's header rules: the signature, by a key of the set, with the
// algorithm that key is for. The claims, parsed.
// `typ` is a media type: any case, with or without "application/" (RFC 7515 §4.1.9).
bool type_matches(std::string_view typ, std::string_view wanted) {
  if (wanted.empty()) return true;
  if (common::istarts_with(typ, "application/")) typ.remove_prefix(12);
  return common::iequals(typ, wanted);
}

std::variant<std::shared_ptr<VerifiedToken>, JwtFailure> verify_signature_of(std::string_view token, const PublicKeySet& keys) {
  using F = JwtFailure;
  auto jws = parse_compact(token);
  if (!jws) return F{F::malformed, "The access token is not a JWT (three base64url parts)."};
  auto header = common::parse_json_object(jws->header);
  if (!header) return F{F::malformed, "The access token's header is not a JSON object."};

  if (header->contains("crit"))  // RFC 7515 §4.1.11: we understand no extensions
    return F{F::malformed, "The token requires extensions (crit) this server does not implement."};
  std::string typ(string_member(*header, "typ"));
  auto alg = parse_algorithm(string_member(*header, "alg"));
  if (!alg) return F{F::malformed, "The token's alg is not one this server accepts (ES256, EdDSA, RS256, PS256)."};
  const PublicKeySet::Key* key = keys.find(string_member(*header, "kid"));
  if (!key) return F{F::unknown_key, "The token was signed with a key this server does not know."};
  if (key->alg != *alg) return F{F::bad_signature, "The token's alg does not match its key."};
  if (!verify_signature(key->pkey.get(), *alg, jws->signing_input, jws->signature))
    return F{F::bad_signature, "The token's signature is not valid."};

  auto claims = common::parse_json_object(jws->payload);
  if (!claims) return F{F::malformed, "The token's claims are not a JSON object."};
  auto verified = std::make_shared<VerifiedToken>();
  verified->kid = key->kid;
  verified->alg = key->alg;
  verified->key = key->pkey;
  verified->typ = std::move(typ);
  verified->claims = std::move(*claims);
  return verified;
}

// Every check but the signature's, on a token whose signature `seen` vouches for.
std::optional<JwtFailure> check_claims(const VerifiedToken& seen, const PublicKeySet& keys, const JwtExpectations& expect,
                                       int64_t now) {
  using F = JwtFailure;
  // The type is checked on every use: one verifier's token may be presented to another.
  if (!type_matches(seen.typ, expect.type))
    return F{F::wrong_type, expect.type == "at+jwt"
                                ? "The token is not an access token (typ must be at+jwt, RFC 9068 §2.1)."
                                : "The token is not a " + std::string(expect.type) + " (typ)."};
  const boost::json::object& claims = seen.claims;
  const PublicKeySet::Key& key = *keys.find(seen.kid);

  bool malformed = false;
  auto exp = common::numeric_date(claims, "exp", &malformed);
  auto nbf = common::numeric_date(claims, "nbf", &malformed);
  auto iat = common::numeric_date(claims, "iat", &malformed);
  if (malformed || !exp) return F{F::malformed, "The token has no valid exp claim."};
  if ((key.signed_from || key.signed_until || expect.max_lifetime) && !iat)
    return F{F::malformed, "The token has no valid iat claim."};
  // A key signs only within its period: a token dated outside it was not made by the issuer.
  if (key.signed_until && *iat > *key.signed_until + expect.leeway_seconds)
    return F{F::bad_signature, "The token is dated after its signing key was retired."};
  if (key.signed_from && *iat < *key.signed_from - expect.leeway_seconds)
    return F{F::bad_signature, "The token is dated before its signing key was in use."};
  if (expect.max_lifetime && *exp - *iat > expect.max_lifetime)
    return F{F::bad_signature, "The token claims a longer lifetime than its issuer gives any token."};
  if (*exp + expect.leeway_seconds <= now) return F{F::expired, "The token has expired."};
  if (nbf && *nbf - expect.leeway_seconds > now) return F{F::not_yet_valid, "The token is not valid yet."};
  if (!expect.issuer.empty() && string_member(claims, "iss") != expect.issuer)
    return F{F::wrong_issuer, "The token was issued by another issuer."};
  if (!expect.audience.empty() && !audience_matches(claims, expect.audience))
    return F{F::wrong_audience, "The token is not meant for this API (aud)."};
  return std::nullopt;
}

}  // namespace

std::variant<VerifiedTokenPtr, JwtFailure> verify_remembered(std::string_view token, const PublicKeySet& keys,
                                                             const JwtExpectations& expect, int64_t now) {
  common::Sha256Digest digest = common::sha256(token);
  return verify_remembered(token, digest, recall_verified(digest), keys, expect, now);
}

std::variant<VerifiedTokenPtr, JwtFailure> verify_remembered(std::string_view token, const common::Sha256Digest& digest,
                                                             VerifiedTokenPtr recalled,
                                                             const PublicKeySet& keys, const JwtExpectations& expect,
                                                             int64_t now) {
  using F = JwtFailure;
  // A token seen before skips the signature check, if the key it was verified with is still trusted.
  VerifiedTokenPtr seen = std::move(recalled);
  if (seen) {
    const PublicKeySet::Key* key = keys.find(seen->kid);
    if (!key || key->pkey != seen->key) seen = nullptr;
  }
  if (!seen) {
    auto verified = verify_signature_of(token, keys);
    if (auto* failure = std::get_if<F>(&verified)) return std::move(*failure);
    seen = std::get<std::shared_ptr<VerifiedToken>>(std::move(verified));
    remember_verified(digest, seen);
  }
  if (auto failure = check_claims(*seen, keys, expect, now)) return std::move(*failure);
  return seen;
}

std::variant<boost::json::object, JwtFailure> verify_access_token(std::string_view token, const PublicKeySet& keys,
                                                                  const JwtExpectations& expect, int64_t now) {
  auto verified = verify_remembered(token, keys, expect, now);
  if (auto* failure = std::get_if<JwtFailure>(&verified)) return std::move(*failure);
  return std::get<VerifiedTokenPtr>(verified)->claims;
}

std::variant<boost::json::object, JwtFailure> verify_jwt_once(std::string_view token, const PublicKeySet& keys,
                                                              const JwtExpectations& expect, int64_t now) {
  auto verified = verify_signature_of(token, keys);
  if (auto* failure = std::get_if<JwtFailure>(&verified)) return std::move(*failure);
  auto& seen = *std::get<std::shared_ptr<VerifiedToken>>(verified);
  if (auto failure = check_claims(seen, keys, expect, now)) return std::move(*failure);
  return std::move(seen.claims);
}

}  // namespace tokengate::jose
