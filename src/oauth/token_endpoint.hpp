#pragma once
// The token endpoint, RFC 6749 §3.2: transport checks, client authentication, then the grant.
// Serves both POST /connect/token and the Aspose Cells Cloud route, which differs only in the
// credentials it accepts and in assuming the client credentials grant when none is named.
#include <memory>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"
#include "oauth/client_authenticator.hpp"
#include "oauth/grant_handler.hpp"
#include "oauth/issuer_state.hpp"

namespace tokengate::oauth {

struct TokenEndpointOptions {
  bool cells_compatible = false;  // accept ClientId/ClientSecret in the query; grant_type defaults to client_credentials
};

class TokenEndpoint {
 public:
  TokenEndpoint(const IssuerState& state, TokenEndpointOptions options);
  http::Response handle(const http::Request& request) const;

 private:
  const IssuerState& state_;
  TokenEndpointOptions options_;
  ClientAuthenticator authenticator_;
  std::vector<std::unique_ptr<GrantHandler>> grants_;
};

}  // namespace tokengate::oauth
