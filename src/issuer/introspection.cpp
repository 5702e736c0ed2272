#include "issuer/introspection.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>

namespace tokengate::issuer {

http::Response introspection_response(const std::variant<boost::json::object, jose::JwtFailure>& inspected,
                                      const store::ClientRecord& caller) {
  http::Response r;
  r.no_store = true;
  r.body = R"({"active":false})";
  const auto* claims = std::get_if<boost::json::object>(&inspected);
  if (!claims) return r;
  auto owner = claims->find("client_id");
  bool own = owner != claims->end() && owner->value().is_string() && owner->value().as_string() == caller.id;
  bool resource_server = std::find(caller.scopes.begin(), caller.scopes.end(), kIntrospectScope) != caller.scopes.end();
  if (!own && !resource_server) return r;

  boost::json::object body{{"active", true}};
  for (const char* name : {"client_id", "scope", "sub", "aud", "iss", "exp", "iat", "jti", "cnf", "act"}) {
    if (auto it = claims->find(name); it != claims->end()) body[name] = it->value();
  }
  // RFC 9449 §6.2: a token bound to a DPoP key is of type DPoP; one bound to a certificate only is
  // still a Bearer token (RFC 8705 §3).
  auto cnf = claims->find("cnf");
  bool dpop = cnf != claims->end() && cnf->value().is_object() && cnf->value().as_object().contains("jkt");
  body["token_type"] = dpop ? "DPoP" : "Bearer";
  r.body = boost::json::serialize(body);
  return r;
}

}  // namespace tokengate::issuer
