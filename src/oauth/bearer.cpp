#include "oauth/bearer.hpp"

#include "common/ascii.hpp"
#include "http/client_certificate.hpp"
#include "http/router.hpp"
#include "oauth/dpop_nonce.hpp"
#include "jose/dpop_proof.hpp"
#include "jose/dpop_replay.hpp"

#include <ctime>

namespace tokengate::oauth {

std::optional<std::string_view> bearer_token(const http::Request& request) {
  if (request.authorization_count != 1) return std::nullopt;
  std::string_view h = request.authorization;
  if (h.size() < 8) return std::nullopt;
  if (!common::istarts_with(h, "bearer ")) return std::nullopt;
  std::string_view token = h.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

namespace {

// `description` as an auth-param's quoted value may hold it: %x20-21 / %x23-5B / %x5D-7E (RFC 6750 §3).
std::string challenge_text(std::string_view description) {
  std::string safe;
  for (char ch : description) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') safe += ch;
  }
  return safe;
}

}  // namespace

http::Response invalid_token(std::string_view description, bool token_present) {
  http::Response r = http::json_error(401, "invalid_token", description);
  if (!token_present) {
    // RFC 6750 §3.1: a request without credentials gets the challenge but no error code.
    r.header("WWW-Authenticate", "Bearer realm=\"tokengate\"");
    return r;
  }
  r.header("WWW-Authenticate", "Bearer realm=\"tokengate\", error=\"invalid_token\", error_description=\"" +
                                   challenge_text(description) + "\"");
  return r;
}

namespace {

// The token of "Authorization: DPoP <token>"; nullopt if absent, repeated or another scheme.
std::optional<std::string_view> dpop_token(const http::Request& request) {
  if (request.authorization_count != 1 || !common::istarts_with(request.authorization, "dpop ")) return std::nullopt;
  std::string_view token = request.authorization.substr(5);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

// RFC 9449 §7.1: the challenge of a route that takes DPoP-bound tokens.
http::Response dpop_refusal(std::string_view error, std::string_view description) {
  http::Response r = http::json_error(401, std::string(error), description);
  r.header("WWW-Authenticate", "DPoP algs=\"ES256 EdDSA Ed25519 RS256 PS256\", error=\"" + std::string(error) +
                                   "\", error_description=\"" + challenge_text(description) + "\"");
  return r;
}

// A member of the token's `cnf` (RFC 7800): "jkt" (RFC 9449 §6.1) or "x5t#S256" (RFC 8705 §3.1).
// Empty: the token is not bound that way; "?" for a member that is not a string.
std::string_view confirmation(const boost::json::object& claims, std::string_view member) {
  auto cnf = claims.find("cnf");
  if (cnf == claims.end() || !cnf->value().is_object()) return {};
  auto it = cnf->value().as_object().find(member);
  if (it == cnf->value().as_object().end()) return {};
  return it->value().is_string() ? std::string_view(it->value().as_string()) : std::string_view("?");
}
std::string_view bound_key(const boost::json::object& claims) { return confirmation(claims, "jkt"); }

// RFC 8705 §3: a certificate-bound token counts only over a connection with that certificate.
// `thumbprint`: of the request's client certificate (empty: none).
bool certificate_matches(const boost::json::object& claims, std::string_view thumbprint) {
  std::string_view x5t = confirmation(claims, "x5t#S256");
  return x5t.empty() || (!thumbprint.empty() && thumbprint == x5t);
}
std::string thumbprint_of(const http::Request& request) {
  return request.client_certificate ? request.client_certificate->thumbprint : std::string();
}
constexpr std::string_view kCertificateRefusal =
    "The token is bound to a client certificate (cnf x5t#S256, RFC 8705 §3): send it over a TLS connection made "
    "with that certificate.";

}  // namespace

void with_valid_token(const AccessTokenVerifier& verifier, const http::Request& request, http::Respond respond,
                      std::function<void(const boost::json::object& claims, http::Respond respond)> handler) {
  with_valid_token(verifier, request, std::move(respond), verifier.public_base(), std::move(handler));
}

void with_valid_token(const AccessTokenVerifier& verifier, const http::Request& request, http::Respond respond,
                      std::string_view base,
                      std::function<void(const boost::json::object& claims, http::Respond respond)> handler) {
  if (auto token = dpop_token(request)) {  // RFC 9449 §7
    if (verifier.public_base().empty())
      return respond(dpop_refusal("invalid_token", "This server takes no DPoP-bound tokens here; send a Bearer token."));
    if (request.dpop_count != 1)
      return respond(dpop_refusal("invalid_dpop_proof", "Send exactly one DPoP header with a proof for this request."));
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    std::string url = std::string(base) + std::string(request.path);  // `expect` views it
    const DpopNonces* nonces = verifier.dpop_nonces();
    jose::DpopExpectations expect{.method = request.method, .url = url, .now = now, .access_token = *token,
                                  .nonces = nonces};
    auto proof = verify_dpop_proof(request.dpop, expect);
    if (auto* e = std::get_if<jose::DpopFailure>(&proof)) {
      http::Response refusal = dpop_refusal(e->nonce ? "use_dpop_nonce" : "invalid_dpop_proof", e->message);
      if (nonces) refusal.header("DPoP-Nonce", nonces->current(now));  // §9
      return respond(std::move(refusal));
    }
    auto& dpop = std::get<jose::DpopProof>(proof);
    int64_t forget_after = dpop.iat + expect.max_age + expect.leeway;
    return verifier.verify(*request.loop, *token, [dpop = std::move(dpop), forget_after, cert = thumbprint_of(request),
                                                   respond = std::move(respond),
                                                   handler = std::move(handler)](AccessTokenVerifier::Result r) mutable {
      if (auto* failure = std::get_if<jose::JwtFailure>(&r)) return respond(dpop_refusal("invalid_token", failure->message));
      const auto& claims = std::get<boost::json::object>(r);
      if (bound_key(claims) != dpop.jkt)
        return respond(dpop_refusal("invalid_token", "The token is not bound to the key of this DPoP proof (cnf.jkt)."));
      if (!certificate_matches(claims, cert)) return respond(dpop_refusal("invalid_token", kCertificateRefusal));
      // Recorded only now, for a valid token bound to the proof's key: a stranger's proofs, with
      // any token, would otherwise fill the table and have every proof refused as a replay.
      static jose::DpopReplay replay;  // the resource routes' proofs, once each on this node
      if (!replay.first_use(dpop.jkt, dpop.jti, forget_after, static_cast<int64_t>(std::time(nullptr))))
        return respond(dpop_refusal("invalid_dpop_proof", "The DPoP proof was used before (its jti); sign one per request."));
      handler(claims, std::move(respond));
    });
  }
  auto token = bearer_token(request);
  if (!token)
    return respond(invalid_token("This route needs an access token: send Authorization: Bearer <token>.", false));
  verifier.verify(*request.loop, *token, [cert = thumbprint_of(request), respond = std::move(respond), handler = std::move(handler)](AccessTokenVerifier::Result r) mutable {
    if (auto* failure = std::get_if<jose::JwtFailure>(&r)) return respond(invalid_token(failure->message, true));
    const auto& claims = std::get<boost::json::object>(r);
    if (!certificate_matches(claims, cert)) return respond(invalid_token(kCertificateRefusal, true));
    // A copy of a sender-constrained token is no use without its key (RFC 9449 §7.1).
    if (!bound_key(claims).empty())
      return respond(invalid_token("The token is bound to a DPoP key: send it as Authorization: DPoP <token> with a "
                                   "DPoP proof, not as a Bearer token.",
                                   true));
    handler(claims, std::move(respond));
  });
}

}  // namespace tokengate::oauth
