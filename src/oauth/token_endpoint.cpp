#include "oauth/token_endpoint.hpp"

#include "oauth/client_credentials_grant.hpp"

namespace tokengate::oauth {
namespace {

std::vector<std::unique_ptr<ClientAuthMethod>> auth_methods(const TokenEndpointOptions& options) {
  std::vector<std::unique_ptr<ClientAuthMethod>> methods;
  methods.push_back(std::make_unique<ClientSecretBasic>());
  methods.push_back(std::make_unique<ClientSecretPost>());
  if (options.cells_compatible) methods.push_back(std::make_unique<CellsQueryCredentials>());
  return methods;
}

// True if the media type (before any ';' parameters) is application/x-www-form-urlencoded.
bool is_form_content_type(std::string_view value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  if (value.size() != kForm.size()) return false;
  for (size_t i = 0; i < kForm.size(); ++i) {
    char c = value[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kForm[i]) return false;
  }
  return true;
}

}  // namespace

TokenEndpoint::TokenEndpoint(const IssuerState& state, TokenEndpointOptions options)
    : state_(state), options_(options), authenticator_(auth_methods(options)) {
  grants_.push_back(std::make_unique<ClientCredentialsGrant>());
}

http::Response TokenEndpoint::handle(const http::Request& request) const {
  // Transport: RFC 6749 §4.4.2 sends the parameters form-encoded in the body.
  if (request.content_type_count > 1)
    return OAuthError::invalid_request("The request has more than one Content-Type header.").to_response();
  if (!request.body.empty() && !is_form_content_type(request.content_type))
    return OAuthError::invalid_request("The body must be sent as Content-Type: application/x-www-form-urlencoded.")
        .to_response();

  std::string error;
  auto body = FormParams::parse(request.body, error);
  if (!body) return OAuthError::invalid_request(error).to_response();
  auto query = options_.cells_compatible ? FormParams::parse(request.query, error) : FormParams();
  if (!query) return OAuthError::invalid_request(error + " (in the query string)").to_response();
  TokenRequest token_request{request, std::move(*body), std::move(*query)};

  auto grant_type = token_request.body.get("grant_type");
  if (!grant_type && options_.cells_compatible) grant_type = "client_credentials";
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
