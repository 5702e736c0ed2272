#include "front/metadata.hpp"

#include "front/client_auth_methods.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace tokengate::front {

std::string metadata_json(const std::string& issuer, bool status_lists) {
  boost::json::object m;
  m["issuer"] = issuer;
  m["token_endpoint"] = issuer + "/connect/token";
  m["jwks_uri"] = issuer + "/.well-known/jwks.json";
  m["grant_types_supported"] = boost::json::array{"client_credentials"};
  boost::json::array methods;
  for (const auto& name : client_auth_method_names()) methods.push_back(boost::json::string(name));
  boost::json::array algorithms;
  for (const auto& name : client_auth_signing_alg_names()) algorithms.push_back(boost::json::string(name));
  m["token_endpoint_auth_methods_supported"] = methods;
  m["token_endpoint_auth_signing_alg_values_supported"] = algorithms;
  m["introspection_endpoint"] = issuer + "/connect/introspect";  // RFC 7662 §4
  m["introspection_endpoint_auth_methods_supported"] = methods;
  m["introspection_endpoint_auth_signing_alg_values_supported"] = algorithms;
  m["revocation_endpoint"] = issuer + "/connect/revocation";  // RFC 7009 §3
  m["revocation_endpoint_auth_methods_supported"] = methods;
  m["revocation_endpoint_auth_signing_alg_values_supported"] = algorithms;
  // draft-ietf-oauth-status-list §9: where the status lists of this issuer are listed
  if (status_lists) m["status_list_aggregation_endpoint"] = issuer + "/statuslists";
  // RFC 9449 §5.1: issuer mode binds tokens to DPoP keys (proxy mode leaves that to its upstream).
  if (status_lists) m["dpop_signing_alg_values_supported"] = algorithms;
  m["response_types_supported"] = boost::json::array{};  // no authorization endpoint
  m["scopes_supported"] = boost::json::array{};
  return boost::json::serialize(m);
}

}  // namespace tokengate::front
