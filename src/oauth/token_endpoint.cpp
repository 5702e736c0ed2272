#include "oauth/token_endpoint.hpp"

#include "oauth/client_credentials_grant.hpp"

namespace tokengate::oauth {
namespace {

std::vector<std::unique_ptr<ClientAuthMethod>> auth_methods(const TokenEndpointOptions& options) {
  std::vector<std::unique_ptr<ClientAuthMethod>> methods;
  methods.push_back(std::make_unique<ClientSecretBasic>(/*ignore_other_schemes=*/options.cells_compatible));
  methods.push_back(std::make_unique<ClientSecretPost>());
  if (options.cells_compatible) methods.push_back(std::make_unique<CellsQueryCredentials>());
  return methods;
}

}  // namespace

TokenEndpoint::TokenEndpoint(const IssuerState& state, TokenEndpointOptions options)
    : state_(state), options_(options), authenticator_(auth_methods(options)) {
  grants_.push_back(std::make_unique<ClientCredentialsGrant>());
}

http::Response TokenEndpoint::handle(const http::Request& request) const {
  auto parsed = parse_token_request(request, options_.cells_compatible);
  if (auto* e = std::get_if<OAuthError>(&parsed)) return e->to_response();
  const TokenRequest& token_request = std::get<TokenRequest>(parsed);

  auto grant_type = token_request.grant_type();
  if (!grant_type) return OAuthError::invalid_request("The grant_type parameter is missing.").to_response();
  const GrantHandler* grant = nullptr;
  for (const auto& g : grants_) {
    if (g->grant_type() == *grant_type) grant = g.get();
  }
  if (!grant)
    return OAuthError{400, "unsupported_grant_type",
                      "The grant_type '" + std::string(*grant_type) +
                          "' is not supported; this server issues tokens for grant_type=client_credentials."}
        .to_response();

  const store::ClientSnapshot& clients = store::read_snapshot(state_.clients);
  AuthResult auth = authenticator_.authenticate(token_request, clients);
  if (auto* e = std::get_if<OAuthError>(&auth)) return e->to_response();
  const store::ClientRecord& client = *std::get<const store::ClientRecord*>(auth);

  GrantResult result = grant->handle(token_request, client, store::read_snapshot(state_.keys), state_.settings);
  if (auto* e = std::get_if<OAuthError>(&result)) return e->to_response();
  return std::get<http::Response>(std::move(result));
}

}  // namespace tokengate::oauth
