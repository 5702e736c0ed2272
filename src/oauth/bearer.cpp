#include "oauth/bearer.hpp"

#include "http/router.hpp"

namespace tokengate::oauth {

std::optional<std::string_view> bearer_token(const http::Request& request) {
  if (request.authorization_count != 1) return std::nullopt;
  std::string_view h = request.authorization;
  if (h.size() < 8) return std::nullopt;
  std::string scheme(h.substr(0, 7));
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (scheme != "bearer ") return std::nullopt;
  std::string_view token = h.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

http::Response invalid_token(std::string_view description) {
  http::Response r = http::json_error(401, "invalid_token", description);
  std::string quoted;
  for (char c : description) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  r.header("WWW-Authenticate",
           "Bearer realm=\"tokengate\", error=\"invalid_token\", error_description=\"" + quoted + "\"");
  return r;
}

void with_valid_token(const AccessTokenVerifier& verifier, const http::Request& request, http::Respond respond,
                      std::function<void(const boost::json::object& claims, http::Respond respond)> handler) {
  auto token = bearer_token(request);
  if (!token) return respond(invalid_token("This route needs an access token: send Authorization: Bearer <token>."));
  verifier.verify(*token, [respond = std::move(respond), handler = std::move(handler)](AccessTokenVerifier::Result r) mutable {
    if (auto* failure = std::get_if<jose::JwtFailure>(&r)) return respond(invalid_token(failure->message));
    handler(std::get<boost::json::object>(r), std::move(respond));
  });
}

}  // namespace tokengate::oauth
