#pragma once
// One grant type at the token endpoint (RFC 6749 §4). Runs after client authentication.
#include <string_view>
#include <variant>

#include "http/response.hpp"
#include "oauth/issuer_state.hpp"
#include "oauth/oauth_error.hpp"
#include "oauth/token_request.hpp"

namespace tokengate::oauth {

using GrantResult = std::variant<http::Response, OAuthError>;

class GrantHandler {
 public:
  virtual ~GrantHandler() = default;
  virtual std::string_view grant_type() const = 0;
  virtual GrantResult handle(const TokenRequest& request, const store::ClientRecord& client, const KeySet& keys,
                             const TokenSettings& settings) const = 0;
};

}  // namespace tokengate::oauth
