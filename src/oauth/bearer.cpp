#include "oauth/bearer.hpp"

#include "common/ascii.hpp"
#include "http/router.hpp"

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

http::Response invalid_token(std::string_view description, bool token_present) {
  http::Response r = http::json_error(401, "invalid_token", description);
  if (!token_present) {
    // RFC 6750 §3.1: a request without credentials gets the challenge but no error code.
    r.header("WWW-Authenticate", "Bearer realm=\"tokengate\"");
    return r;
  }
  // error_description may hold only %x20-21 / %x23-5B / %x5D-7E (RFC 6750 §3).
  std::string safe;
  for (char ch : description) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') safe += ch;
  }
  r.header("WWW-Authenticate",
           "Bearer realm=\"tokengate\", error=\"invalid_token\", error_description=\"" + safe + "\"");
  return r;
}

void with_valid_token(const AccessTokenVerifier& verifier, const http::Request& request, http::Respond respond,
                      std::function<void(const boost::json::object& claims, http::Respond respond)> handler) {
  auto token = bearer_token(request);
  if (!token)
    return respond(invalid_token("This route needs an access token: send Authorization: Bearer <token>.", false));
  verifier.verify(*request.loop, *token, [respond = std::move(respond), handler = std::move(handler)](AccessTokenVerifier::Result r) mutable {
    if (auto* failure = std::get_if<jose::JwtFailure>(&r)) return respond(invalid_token(failure->message, true));
    handler(std::get<boost::json::object>(r), std::move(respond));
  });
}

}  // namespace tokengate::oauth
