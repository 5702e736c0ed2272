#include "front/metadata.hpp"

#include "front/client_auth_methods.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace tokengate::front {

std::string metadata_json(const MetadataFacts& facts) {
  const std::string& issuer = facts.issuer;
  bool status_lists = facts.issuer_mode;
  boost::json::object m;
  m["issuer"] = issuer;
  m["token_endpoint"] = issuer + "/connect/token";
  m["jwks_uri"] = issuer + "/.well-known/jwks.json";
  m["grant_types_supported"] = boost::json::array{"client_credentials"};
  boost::json::array methods;
  for (const auto& name : client_auth_method_names(facts.client_certificates && facts.issuer_mode)) methods.push_back(boost::json::string(name));
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
  if (facts.client_certificates && facts.issuer_mode) {
    // RFC 8705 §3.3: tokens asked for with a client certificate are bound to it.
    m["tls_client_certificate_bound_access_tokens"] = true;
    if (!facts.mtls_url.empty()) {  // §5: where the endpoints take client certificates
      m["mtls_endpoint_aliases"] = boost::json::object{{"token_endpoint", facts.mtls_url + "/connect/token"},
                                                       {"introspection_endpoint", facts.mtls_url + "/connect/introspect"},
                                                       {"revocation_endpoint", facts.mtls_url + "/connect/revocation"}};
    }
  }
  m["response_types_supported"] = boost::json::array{};  // no authorization endpoint
  m["scopes_supported"] = boost::json::array{};
  return boost::json::serialize(m);
}

}  // namespace tokengate::front
