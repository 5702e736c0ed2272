#include "proxy/upstream_token_verifier.hpp"

#include <ctime>

#include <boost/json/parse.hpp>

#include "jose/jws_verify.hpp"
#include "jose/jwt_verifier.hpp"

namespace tokengate::proxy {
namespace {

// The kid is read before verification only to know whether a refetch may help.
std::string kid_of(std::string_view token) {
  auto jws = jose::parse_compact(token);
  if (!jws) return {};
  boost::system::error_code ec;
  auto h = boost::json::parse(jws->header, ec);
  if (ec || !h.is_object()) return {};
  auto it = h.as_object().find("kid");
  return it != h.as_object().end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

}  // namespace

void UpstreamTokenVerifier::verify(boost::asio::io_context& loop, std::string_view token,
                                   std::function<void(Result)> done) const {
  keys_.current(loop, kid_of(token),
                [token = std::string(token), audience = audience_, done = std::move(done)](const UpstreamKeys::Snapshot& snap) {
                  if (!snap.keys)
                    return done(jose::JwtFailure{jose::JwtFailure::unknown_key,
                                                 "The upstream's signing keys are not available to check the token with."});
                  if (snap.issuer.empty())  // never accept tokens from whoever signed with these keys, unchecked
                    return done(jose::JwtFailure{
                        jose::JwtFailure::wrong_issuer,
                        "The upstream's issuer is unknown (set --upstream-issuer), so no token is accepted."});
                  jose::JwtExpectations expect{snap.issuer, audience};
                  done(jose::verify_access_token(token, *snap.keys, expect, static_cast<int64_t>(std::time(nullptr))));
                });
}

}  // namespace tokengate::proxy
