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

// What a route accepts besides RFC 6749's form-encoded body.
struct RequestShape {
  bool cells_compatible = false;  // the Cells Cloud route: credentials in the query, grant_type optional
  bool multipart = false;         // the SDK routes: a multipart/form-data body (RFC 7578) too
};

struct TokenRequest {
  const http::Request& http;
  FormParams body;
  FormParams query;
  bool cells_compatible = false;
  // Asked at a route that exists for the Aspose Cloud SDKs (the Cells route, /oauth2/token,
  // /{v1.1,v3.0,v4.0}/connect/token): their tokens live as long as the Cells Cloud service's.
  bool sdk_route = false;

  // The requested grant type; the Cells route assumes client_credentials when none is named.
  std::optional<std::string_view> grant_type() const;
};

// Checks Content-Type (form-urlencoded when there is a body, once; or multipart/form-data where the
// shape allows it) and decodes body and query.
std::variant<TokenRequest, OAuthError> parse_token_request(const http::Request& request, RequestShape shape = {});

}  // namespace tokengate::oauth
