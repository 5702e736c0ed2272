#include "oauth/token_request.hpp"

#include "common/ascii.hpp"

namespace tokengate::oauth {
namespace {

// True if the media type (before any ';' parameters) is application/x-www-form-urlencoded.
bool is_form_content_type(std::string_view value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  return common::iequals(value, "application/x-www-form-urlencoded");
}

}  // namespace

std::optional<std::string_view> TokenRequest::grant_type() const {
  auto named = body.get("grant_type");
  if (!named && cells_compatible) return "client_credentials";
  return named;
}

std::variant<TokenRequest, OAuthError> parse_token_request(const http::Request& request, bool cells_compatible) {
  if (request.content_type_count > 1)
    return OAuthError::invalid_request("The request has more than one Content-Type header.");
  if (!request.body.empty() && !is_form_content_type(request.content_type))
    return OAuthError::invalid_request("The body must be sent as Content-Type: application/x-www-form-urlencoded.");

  std::string error;
  auto body = FormParams::parse(request.body, error);
  if (!body) return OAuthError::invalid_request(error);
  auto query = cells_compatible ? FormParams::parse(request.query, error) : FormParams();
  if (!query) return OAuthError::invalid_request(error + " (in the query string)");
  return TokenRequest{request, std::move(*body), std::move(*query), cells_compatible};
}

}  // namespace tokengate::oauth
