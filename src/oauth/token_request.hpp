#pragma once
// A token request after the transport-level checks (RFC 6749 §3.2, §4.4.2): the HTTP request plus
// its decoded body and, on the Cells Cloud route, its decoded query. Shared by the issuer's token
// endpoint and the proxy's.
#include <string_view>
#include <variant>

#include "http/request.hpp"
#include "oauth/form.hpp"
#include "oauth/oauth_error.hpp"

namespace tokengate::oauth {

struct TokenRequest {
  const http::Request& http;
  FormParams body;
  FormParams query;
  bool cells_compatible = false;  // the Cells Cloud route: query credentials, grant_type optional

  // The requested grant type; the Cells route assumes client_credentials when none is named.
  std::optional<std::string_view> grant_type() const;
};

// Checks Content-Type (form-urlencoded when there is a body, once) and decodes body and query.
std::variant<TokenRequest, OAuthError> parse_token_request(const http::Request& request, bool cells_compatible);

}  // namespace tokengate::oauth
