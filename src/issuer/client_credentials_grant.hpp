#pragma once
// The client credentials grant, RFC 6749 §4.4: an authenticated client asks for a token for itself.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "http/response.hpp"
#include "issuer/issuer_state.hpp"
#include "issuer/trusted_issuers.hpp"
#include "oauth/oauth_error.hpp"
#include "oauth/token_request.hpp"

namespace tokengate::issuer {

// What the grant reads of a token request: a grant that waits (a client assertion's single use is
// checked in the store) keeps a copy of the body, the request it came with being gone by then.
struct GrantAsk {
  const oauth::FormParams& body;
  bool sdk_route = false;
  const ExternalSubject* actor = nullptr;  // a federated workload: its token says who it was
  std::string_view dpop_jkt{};             // a DPoP proof's key thumbprint: the token is bound to it
  std::string_view certificate{};          // the client certificate's thumbprint: the token is bound to it
};

// Settles scope (RFC 6749 §3.3) and audience (RFC 8707), then signs the token: the §5.1 response or
// the §5.2 error.
std::variant<http::Response, oauth::OAuthError> grant_client_credentials(const oauth::TokenRequest& request,
                                                                          const store::ClientRecord& client,
                                                                          const KeySet& keys,
                                                                          const TokenSettings& settings);
std::variant<http::Response, oauth::OAuthError> grant_client_credentials(const GrantAsk& request,
                                                                          const store::ClientRecord& client,
                                                                          const KeySet& keys,
                                                                          const TokenSettings& settings);

// The successful token response body, RFC 6749 §5.1.
std::string token_response_json(std::string_view access_token, int64_t expires_in, std::string_view scope,
                                std::string_view token_type = "Bearer");

}  // namespace tokengate::issuer
