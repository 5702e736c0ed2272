#include "oauth/client_auth_method.hpp"

#include "oauth/basic_credentials.hpp"

namespace tokengate::oauth {
namespace {

// Both parameters of a pair, or neither: a lone secret is malformed; a lone ID is not this method
// (a client using Basic may repeat its client_id in the body, RFC 6749 §3.2.1).
Extraction from_pair(const FormParams& params, std::string_view id_name, std::string_view secret_name) {
  auto id = params.get(id_name);
  auto secret = params.get(secret_name);
  if (!secret) return std::nullopt;
  if (!id)
    return OAuthError::invalid_request("The request has " + std::string(secret_name) + " but no " +
                                       std::string(id_name) + ".");
  return PresentedCredentials{std::string(*id), std::string(*secret), false};
}

}  // namespace

Extraction ClientSecretBasic::extract(const TokenRequest& request) const {
  if (request.http.authorization_count == 0) return std::nullopt;
  if (request.http.authorization_count > 1)
    return OAuthError::invalid_request("The request has more than one Authorization header.");
  BasicCredentials creds;
  std::string error;
  switch (parse_basic_authorization(request.http.authorization, creds, error)) {
    case BasicParse::ok:
      return PresentedCredentials{std::move(creds.id), std::move(creds.secret), true};
    case BasicParse::not_basic:
      if (ignore_other_schemes_) return std::nullopt;
      return OAuthError::invalid_client(
          "The Authorization header uses a scheme other than Basic; authenticate the client with HTTP Basic or "
          "with client_id and client_secret in the body.",
          true);
    case BasicParse::malformed:
      return OAuthError::invalid_request(error);
  }
  return std::nullopt;
}

Extraction ClientSecretPost::extract(const TokenRequest& request) const {
  return from_pair(request.body, "client_id", "client_secret");
}

Extraction CellsQueryCredentials::extract(const TokenRequest& request) const {
  return from_pair(request.query, "ClientId", "ClientSecret");
}

}  // namespace tokengate::oauth
