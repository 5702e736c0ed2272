#pragma once
// The resource-server side: Bearer tokens in the Authorization header (RFC 6750 §2.1) and the
// 401 that refuses them (RFC 6750 §3).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "jose/jwt_verifier.hpp"

namespace tokengate::oauth {

class DpopNonces;

// The token of "Authorization: Bearer <token>"; nullopt if absent, repeated or another scheme.
std::optional<std::string_view> bearer_token(const http::Request& request);

// 401 with WWW-Authenticate: Bearer realm="tokengate", and, when a token was sent,
// error="invalid_token", error_description=... (RFC 6750 §3, §3.1).
http::Response invalid_token(std::string_view description, bool token_present);

// Checks access tokens for the API routes; the answer may come later (a JWKS fetch), on `loop`,
// the calling thread's event loop.
class AccessTokenVerifier {
 public:
  using Result = std::variant<boost::json::object, jose::JwtFailure>;
  virtual ~AccessTokenVerifier() = default;
  virtual void verify(boost::asio::io_context& loop, std::string_view token, std::function<void(Result)> done) const = 0;
  // The public URL of this server (the issuer) that a DPoP proof's htu names, with a request's
  // path after it; empty: DPoP-bound tokens are not taken here (proxy mode).
  virtual std::string_view public_base() const { return {}; }
  // Set: DPoP proofs at these routes must carry a current nonce (RFC 9449 §9).
  virtual const DpopNonces* dpop_nonces() const { return nullptr; }
};

// Runs `handler` if the request carries a valid access token, else answers 401. A token bound to a
// DPoP key (`cnf.jkt`, RFC 9449) counts only as `Authorization: DPoP <token>` with a proof of that
// key for this request (htm, htu, `ath` the token's hash), each proof once; sent as Bearer it is
// refused (§7.1). A token bound to a client certificate (`cnf.x5t#S256`, RFC 8705 §3) counts only
// over a connection with that certificate.
void with_valid_token(const AccessTokenVerifier& verifier, const http::Request& request, http::Respond respond,
                      std::function<void(const boost::json::object& claims, http::Respond respond)> handler);
// The same where the request's URL does not start with the issuer's (the admin listener):
// `base` is scheme://host[:port] of this listener, which DPoP proofs name in htu.
void with_valid_token(const AccessTokenVerifier& verifier, const http::Request& request, http::Respond respond,
                      std::string_view base,
                      std::function<void(const boost::json::object& claims, http::Respond respond)> handler);

}  // namespace tokengate::oauth
