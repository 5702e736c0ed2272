#pragma once
// The client credentials grant, RFC 6749 §4.4: the client asks for a token for itself.
#include "oauth/grant_handler.hpp"

namespace tokengate::oauth {

class ClientCredentialsGrant final : public GrantHandler {
 public:
  std::string_view grant_type() const override { return "client_credentials"; }
  GrantResult handle(const TokenRequest& request, const store::ClientRecord& client, const KeySet& keys,
                     const TokenSettings& settings) const override;
};

// The successful token response body, RFC 6749 §5.1.
std::string token_response_json(std::string_view access_token, int64_t expires_in, std::string_view scope);

}  // namespace tokengate::oauth
