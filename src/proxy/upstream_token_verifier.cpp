#include "proxy/upstream_token_verifier.hpp"

#include <boost/json/parse.hpp>

#include "http/event_loop.hpp"

namespace tokengate::proxy {
namespace {

oauth::AccessTokenVerifier::Result to_result(const tokengate::VerifyResult& r) {
  using E = tokengate::VerifyResult::Error;
  using F = jose::JwtFailure;
  if (r.ok()) return boost::json::parse(r.claims().json()).as_object();
  F::Reason reason = F::malformed;
  switch (r.error()) {
    case E::none: break;
    case E::malformed:
    case E::unsupported_algorithm: reason = F::malformed; break;
    case E::bad_signature: reason = F::bad_signature; break;
    case E::unknown_key:
    case E::keys_unavailable:
    case E::status_unavailable: reason = F::unknown_key; break;
    case E::wrong_type: reason = F::wrong_type; break;
    case E::wrong_issuer: reason = F::wrong_issuer; break;
    case E::wrong_audience: reason = F::wrong_audience; break;
    case E::expired: reason = F::expired; break;
    case E::not_yet_valid: reason = F::not_yet_valid; break;
    case E::revoked: reason = F::revoked; break;
    // A token the upstream bound to a key or a certificate: the proxy's own routes take bearer
    // tokens only (the message says so).
    case E::bad_proof:
    case E::wrong_holder: reason = F::malformed; break;
  }
  return F{reason, r.message()};
}

}  // namespace

void UpstreamTokenVerifier::verify(boost::asio::io_context& loop, std::string_view token,
                                   std::function<void(Result)> done) const {
  if (!issuer_known_)
    return done(jose::JwtFailure{jose::JwtFailure::wrong_issuer,
                                 "The upstream's issuer is unknown (set --upstream-issuer), so no token is accepted."});
  if (auto now = verifier_.try_verify(token)) return done(to_result(*now));
  verifier_.async_verify(std::string(token),
                         http::answer_on<tokengate::VerifyResult>(
                             loop, [done = std::move(done)](tokengate::VerifyResult r) { done(to_result(r)); }));
}

}  // namespace tokengate::proxy
