#include "oauth/issuer_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace tokengate::oauth {

IssuerRoutes::IssuerRoutes(const IssuerState& state, const store::StoreWatcher& watcher)
    : state_(state), watcher_(watcher), token_endpoint_(state, {}) {}

boost::json::object IssuerRoutes::health(bool& healthy) const {
  const KeySet& keys = store::read_snapshot(state_.keys);
  auto recent = watcher_.recent();
  bool store_ok = watcher_.healthy();
  healthy = store_ok && keys.active;
  boost::json::object key{{"loaded", keys.active != nullptr}};
  if (keys.active) {
    key["kid"] = keys.active->kid();
    key["alg"] = jose::to_string(keys.active->algorithm());
  }
  return {{"store", boost::json::object{{"reachable", store_ok},
                                        {"recent_polls", recent.samples},
                                        {"error_rate_percent", static_cast<int64_t>(recent.error_rate * 100 + 0.5)},
                                        {"mean_latency_us", static_cast<int64_t>(recent.mean_latency_ms * 1000)},
                                        {"last_latency_us", static_cast<int64_t>(recent.last_latency_ms * 1000)}}},
          {"signing_key", std::move(key)}};
}

std::string IssuerRoutes::metadata_json(const std::string& issuer) {
  boost::json::object m;
  m["issuer"] = issuer;
  m["token_endpoint"] = issuer + "/connect/token";
  m["jwks_uri"] = issuer + "/.well-known/jwks.json";
  m["grant_types_supported"] = boost::json::array{"client_credentials"};
  m["token_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic", "client_secret_post"};
  m["response_types_supported"] = boost::json::array{};  // no authorization endpoint
  m["scopes_supported"] = boost::json::array{};
  return boost::json::serialize(m);
}

void IssuerRoutes::add_to(http::Router& router) const {
  router.add("POST", "/connect/token", [this](const http::Request& r) { return token_endpoint_.handle(r); });

  auto metadata = [this](const http::Request&) {
    http::Response r;
    r.body = metadata_json(state_.settings.issuer);
    return r;
  };
  router.add("GET", "/.well-known/oauth-authorization-server", metadata);
  router.add("GET", "/.well-known/openid-configuration", metadata);

  router.add("GET", "/.well-known/jwks.json", [this](const http::Request&) {
    http::Response r;
    r.content_type = "application/jwk-set+json";
    r.body = store::read_snapshot(state_.keys).jwks_json;
    // Short: after a rotation, verifiers pick up the new key within a minute anyway.
    r.header("Cache-Control", "public, max-age=60");
    return r;
  });

  router.add("GET", "/healthz", [](const http::Request&) {
    http::Response r;
    r.body = R"({"status":"ok"})";
    return r;
  });
  router.add("GET", "/readyz", [this](const http::Request&) {
    bool key = store::read_snapshot(state_.keys).active != nullptr;
    bool store = watcher_.healthy();
    boost::json::object body{{"status", key && store ? "ready" : "not_ready"},
                             {"signing_key", key ? "loaded" : "missing"},
                             {"store", store ? "reachable" : "unreachable"}};
    http::Response r;
    r.status = key && store ? 200 : 503;
    r.body = boost::json::serialize(body);
    return r;
  });
}

}  // namespace tokengate::oauth
