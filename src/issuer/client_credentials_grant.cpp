#include "issuer/client_credentials_grant.hpp"

#include <ctime>

#include "issuer/token_issuer.hpp"
#include "common/json_text.hpp"
#include "oauth/scope.hpp"

namespace tokengate::issuer {

std::string token_response_json(std::string_view access_token, int64_t expires_in, std::string_view scope,
                                std::string_view token_type) {
  std::string body;
  body.reserve(access_token.size() + 96 + scope.size());
  body += '{';
  common::append_json_member_verbatim(body, "access_token", access_token);  // base64url and dots only
  body += ',';
  common::append_json_member(body, "token_type", token_type);
  body += ',';
  common::append_json_member(body, "expires_in", expires_in);
  if (!scope.empty()) {
    body += ',';
    common::append_json_member(body, "scope", scope);
  }
  body += '}';
  return body;
}

std::variant<http::Response, oauth::OAuthError> grant_client_credentials(const oauth::TokenRequest& request,
                                                                          const store::ClientRecord& client,
                                                                          const KeySet& keys,
                                                                          const TokenSettings& settings) {
  return grant_client_credentials(GrantAsk{.body = request.body, .sdk_route = request.sdk_route}, client, keys, settings);
}

std::variant<http::Response, oauth::OAuthError> grant_client_credentials(const GrantAsk& request,
                                                                          const store::ClientRecord& client,
                                                                          const KeySet& keys,
                                                                          const TokenSettings& settings) {
  std::string error;
  auto scope = oauth::grant_scope(request.body.get("scope"), client.scopes, error);
  if (!scope) return oauth::OAuthError{400, "invalid_scope", error};

  // The audience: the client's own, else the server default. A request may name it (RFC 8707
  // `resource`, or the widespread `audience`) but not ask for another one.
  std::string_view audience = client.audience.empty() ? std::string_view(settings.default_audience) : client.audience;
  for (const char* name : {"resource", "audience"}) {
    auto requested = request.body.get(name);
    if (requested && *requested != audience)
      return oauth::OAuthError{400, "invalid_target",
                        "The requested " + std::string(name) + " is not an audience this client may get tokens for "
                        "(RFC 8707 §2)."};
  }

  if (!keys.active)
    return oauth::OAuthError{503, "temporarily_unavailable", "The server has no signing key loaded yet; retry shortly."};

  // A client's own lifetime wins; else the route's: the Aspose SDK routes' tokens live as long as
  // the Cells Cloud service's do, so that its SDKs, which renew after 86,300 s, keep working.
  int64_t ttl = client.token_ttl > 0 ? client.token_ttl
                : request.sdk_route  ? settings.cells_token_ttl
                                     : settings.default_ttl;
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  AccessTokenClaims claims{.issuer = settings.issuer,
                           .client_id = client.id,
                           .audience = audience,
                           .scope = *scope,
                           .generation = client.generation,
                           .issued_at = now,
                           .expires_at = now + ttl,
                           .list_names = settings.status_list_names.get(),
                           .actor_issuer = request.actor ? std::string_view(request.actor->issuer) : std::string_view(),
                           .actor_subject = request.actor ? std::string_view(request.actor->subject) : std::string_view(),
                           .cnf_jkt = request.dpop_jkt,
                           .cnf_x5t = request.certificate};
  std::string_view token = issue_access_token(keys, claims);

  http::Response response;
  // RFC 9449 §5: a token bound to a DPoP key is of type DPoP.
  response.body = token_response_json(token, ttl, *scope, request.dpop_jkt.empty() ? "Bearer" : "DPoP");
  response.no_store = true;
  return response;
}

}  // namespace tokengate::issuer
