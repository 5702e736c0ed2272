#include "front/token_front.hpp"

#include "common/echo.hpp"
#include "front/client_auth_methods.hpp"
#include "front/client_gate.hpp"

namespace tokengate::front {

TokenFront::TokenFront(const Mode& mode, TokenRoute route, ClientGate gate)
    : mode_(mode),
      route_(route),
      gate_(gate),
      authenticator_(client_auth_methods({.cells_query = route.cells_compatible,
                                          .ignore_bearer = route.cells_compatible || route.sdk_compatible})) {}

void TokenFront::handle(const http::Request& request, http::Respond respond) const {
  auto parsed = oauth::parse_token_request(request, {.cells_compatible = route_.cells_compatible,
                                                     .multipart = route_.sdk_compatible});
  if (auto* e = std::get_if<oauth::OAuthError>(&parsed)) return respond(e->to_response());
  const oauth::TokenRequest& token_request = std::get<oauth::TokenRequest>(parsed);

  auto grant_type = token_request.grant_type();
  if (!grant_type) return respond(oauth::OAuthError::invalid_request("The grant_type parameter is missing.").to_response());
  // The Aspose SDKs answer a 401 by posting grant_type=refresh_token without a refresh token: say
  // what to do instead, in `message`, which is what they show.
  if (*grant_type == "refresh_token")
    return respond(oauth::OAuthError{400, "unsupported_grant_type",
                                     "This server issues no refresh tokens: the client credentials grant needs none "
                                     "(RFC 6749 §4.4.3). Request a new access token with grant_type=client_credentials "
                                     "and the client's ID and secret."}
                       .to_response());
  if (*grant_type != "client_credentials")
    return respond(oauth::OAuthError{400, "unsupported_grant_type",
                                     "The grant_type '" + common::safe_echo(*grant_type) +
                                         "' is not supported; this server issues tokens for grant_type=client_credentials."}
                       .to_response());

  auto credentials = authenticator_.extract(token_request);
  if (auto* e = std::get_if<oauth::OAuthError>(&credentials)) return respond(e->to_response());
  const auto& client = std::get<oauth::PresentedCredentials>(credentials);
  auto gated = gate_.pass(request, client.id, /*grant=*/true, std::move(respond), /*cheap_to_check=*/!client.by_assertion());
  if (!gated) return;
  mode_.issue_token(token_request, client, gate_, std::move(*gated));
}

}  // namespace tokengate::front
