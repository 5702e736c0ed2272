#include "oauth/client_authenticator.hpp"

namespace tokengate::oauth {

ClientAuthenticator::ClientAuthenticator(std::vector<std::unique_ptr<ClientAuthMethod>> methods)
    : methods_(std::move(methods)) {}

std::variant<PresentedCredentials, OAuthError> ClientAuthenticator::extract(const TokenRequest& request) const {
  std::optional<PresentedCredentials> presented;
  for (const auto& method : methods_) {
    Extraction extraction = method->extract(request);
    if (!extraction) continue;
    if (auto* error = std::get_if<OAuthError>(&*extraction)) return *error;
    if (presented)
      return OAuthError::invalid_request(
          "The client authenticated in more than one way; use exactly one of HTTP Basic, client_secret in the "
          "body, a client_assertion or the ClientId/ClientSecret query (RFC 6749 §2.3).");
    presented = std::get<PresentedCredentials>(std::move(*extraction));
  }
  if (!presented)
    return OAuthError::invalid_client(
        "The request carries no client credentials; send the client ID and secret with HTTP Basic or as "
        "client_id and client_secret in the body, or a client_assertion signed with the client's key.",
        false);

  auto body_id = request.body.get("client_id");
  if (presented->via_basic && body_id && *body_id != presented->id)
    return OAuthError::invalid_request("The client_id in the body differs from the client in the Authorization header.");
  return std::move(*presented);
}

}  // namespace tokengate::oauth
