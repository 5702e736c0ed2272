#include "oauth/client_auth_method.hpp"

#include <boost/json/parse.hpp>

#include "common/json_member.hpp"
#include "jose/jws_verify.hpp"
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
  return PresentedCredentials{.id = std::string(*id), .secret = std::string(*secret), .via_basic = false};
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
      return PresentedCredentials{.id = std::move(creds.id), .secret = std::move(creds.secret), .via_basic = true};
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

Extraction TlsClientCertificate::extract(const TokenRequest& request) const {
  if (!request.http.client_certificate || request.http.authorization_count > 0) return std::nullopt;
  if (request.body.get("client_secret") || request.body.get("client_assertion") ||
      request.body.get("client_assertion_type"))
    return std::nullopt;
  auto id = request.body.get("client_id");
  if (!id) return std::nullopt;
  PresentedCredentials presented;
  presented.id = std::string(*id);
  presented.id_given = true;
  presented.by_certificate = true;
  return presented;
}

Extraction ClientAssertion::extract(const TokenRequest& request) const {
  auto type = request.body.get("client_assertion_type");
  auto assertion = request.body.get("client_assertion");
  if (!type && !assertion) return std::nullopt;
  if (!type) return OAuthError::invalid_request("The request has client_assertion but no client_assertion_type.");
  if (!assertion) return OAuthError::invalid_request("The request has client_assertion_type but no client_assertion.");
  if (*type != kJwtBearer)
    return OAuthError::invalid_request("The client_assertion_type is not supported; use " + std::string(kJwtBearer) +
                                       " (RFC 7523 §2.2).");
  if (assertion->size() > kMaxLength)
    return OAuthError::invalid_client("The client_assertion is " + std::to_string(assertion->size()) +
                                          " bytes long; this server takes assertions of at most 8 KiB.",
                                      false);
  PresentedCredentials presented;
  presented.assertion = std::string(*assertion);
  if (auto id = request.body.get("client_id")) {
    presented.id = std::string(*id);
    presented.id_given = true;
    return presented;
  }
  // Without client_id (RFC 7521 §4.2 makes it optional), the client the assertion names.
  if (auto jws = jose::parse_compact(*assertion)) {
    boost::system::error_code ec;
    auto claims = boost::json::parse(jws->payload, ec);
    if (!ec && claims.is_object()) presented.id = std::string(common::string_member(claims.as_object(), "sub"));
  }
  if (presented.id.empty())
    return OAuthError::invalid_client(
        "The client_assertion is not a JWT with a sub claim naming the client, and the request has no client_id.",
        false);
  return presented;
}

Extraction CellsQueryCredentials::extract(const TokenRequest& request) const {
  return from_pair(request.query, "ClientId", "ClientSecret");
}

}  // namespace tokengate::oauth
