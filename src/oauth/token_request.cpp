#include "oauth/token_request.hpp"

#include "common/ascii.hpp"
#include "oauth/multipart_form.hpp"

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

std::variant<TokenRequest, OAuthError> parse_token_request(const http::Request& request, RequestShape shape) {
  if (request.content_type_count > 1)
    return OAuthError::invalid_request("The request has more than one Content-Type header.");
  std::string error;
  std::optional<FormParams> body;
  if (shape.multipart && is_multipart_form(request.content_type)) {
    body = parse_multipart_form(request.content_type, request.body, error);
  } else if (!request.body.empty() && !is_form_content_type(request.content_type)) {
    return OAuthError::invalid_request("The body must be sent as Content-Type: application/x-www-form-urlencoded.");
  } else {
    body = FormParams::parse(request.body, error);
  }
  if (!body) return OAuthError::invalid_request(error);
  auto query = shape.cells_compatible ? FormParams::parse(request.query, error) : FormParams();
  if (!query) return OAuthError::invalid_request(error + " (in the query string)");
  return TokenRequest{request, std::move(*body), std::move(*query), shape.cells_compatible,
                      shape.cells_compatible || shape.multipart};
}

}  // namespace tokengate::oauth
