#include "front/metadata.hpp"

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
  m["token_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic", "client_secret_post"};
  m["introspection_endpoint"] = issuer + "/connect/introspect";  // RFC 7662 §4
  m["introspection_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic", "client_secret_post"};
  m["revocation_endpoint"] = issuer + "/connect/revocation";  // RFC 7009 §3
  m["revocation_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic", "client_secret_post"};
  // draft-ietf-oauth-status-list §9: where the status lists of this issuer are listed
  if (status_lists) m["status_list_aggregation_endpoint"] = issuer + "/statuslists";
  m["response_types_supported"] = boost::json::array{};  // no authorization endpoint
  m["scopes_supported"] = boost::json::array{};
  return boost::json::serialize(m);
}

}  // namespace tokengate::front
