#include "proxy/proxy_service.hpp"

#include <stdexcept>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "oauth/issuer_routes.hpp"

namespace tokengate::proxy {
namespace {

UpstreamOptions upstream_options(const config::Config& c) {
  UpstreamOptions o;
  o.token_url = c.upstream_token_url;
  o.connect_timeout = std::chrono::milliseconds(c.upstream_connect_timeout_ms);
  o.deadline = std::chrono::milliseconds(c.upstream_timeout_ms);
  o.max_retries = static_cast<int>(c.upstream_retries);
  o.max_connections = static_cast<size_t>(c.upstream_max_connections);
  o.ca_file = c.upstream_ca_file;
  return o;
}

UpstreamClient make_client(const config::Config& c, CircuitBreaker& breaker) {
  try {
    return UpstreamClient(upstream_options(c), breaker);
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(e.what());
  } catch (const std::runtime_error& e) {
    throw config::ConfigError(std::string("upstream_ca_file: ") + e.what());
  }
}

}  // namespace

ProxyService::ProxyService(const config::Config& c)
    : breaker_(static_cast<int>(c.circuit_breaker_failures), std::chrono::milliseconds(c.circuit_breaker_cooldown_ms)),
      upstream_(make_client(c, breaker_)),
      cache_(c.token_cache ? static_cast<size_t>(c.token_cache_size) : 0),
      auth_(c.upstream_auth == "post" ? UpstreamAuth::post : UpstreamAuth::basic),
      token_endpoint_(upstream_, cache_, keyer_, auth_, false),
      jwks_(c) {}

ProxyEndpoint ProxyService::endpoint(bool cells_compatible) {
  return ProxyEndpoint(upstream_, cache_, keyer_, auth_, cells_compatible);
}

boost::json::object ProxyService::health(bool& healthy) const {
  auto state = breaker_.state(Clock::now());
  auto recent = upstream_.recent();
  bool reachable = state != CircuitBreaker::State::open && (recent.samples == 0 || recent.last_ok);
  healthy = reachable;
  const char* circuit = state == CircuitBreaker::State::closed ? "closed"
                        : state == CircuitBreaker::State::open ? "open"
                                                               : "half_open";
  return {{"upstream",
           boost::json::object{{"url", upstream_url()},
                               {"reachable", reachable},
                               {"circuit", circuit},
                               {"recent_calls", recent.samples},
                               {"error_rate_percent", static_cast<int64_t>(recent.error_rate * 100 + 0.5)},
                               {"mean_latency_us", static_cast<int64_t>(recent.mean_latency_ms * 1000)},
                               {"last_latency_us", static_cast<int64_t>(recent.last_latency_ms * 1000)}}}};
}

void ProxyService::add_to(http::Router& router, const std::string& issuer) const {
  router.add("GET", "/.well-known/oauth-authorization-server", [issuer](const http::Request&) {
    http::Response r;
    r.body = oauth::IssuerRoutes::metadata_json(issuer);
    return r;
  });
  router.add("GET", "/.well-known/openid-configuration", [issuer](const http::Request&) {
    http::Response r;
    r.body = oauth::IssuerRoutes::metadata_json(issuer);
    return r;
  });
  router.add_async("GET", "/.well-known/jwks.json", [this](const http::Request&, http::Respond respond) {
    jwks_.current("", [respond = std::move(respond)](const UpstreamJwks::Snapshot& snap) {
      if (!snap.keys)
        return respond(http::json_error(503, "temporarily_unavailable",
                                        "The upstream's signing keys are not available: " + snap.error));
      http::Response r;
      r.content_type = "application/jwk-set+json";
      r.body = snap.jwks_json;
      r.header("Cache-Control", "public, max-age=60");
      respond(std::move(r));
    });
  });

  router.add_async("POST", "/connect/token",
                   [this](const http::Request& r, http::Respond respond) { token_endpoint_.handle(r, std::move(respond)); });
  router.add("GET", "/healthz", [](const http::Request&) {
    http::Response r;
    r.body = R"({"status":"ok"})";
    return r;
  });
  router.add("GET", "/readyz", [this](const http::Request&) {
    bool open = breaker_.state(Clock::now()) == CircuitBreaker::State::open;
    http::Response r;
    r.status = open ? 503 : 200;
    r.body = boost::json::serialize(boost::json::object{{"status", open ? "not_ready" : "ready"},
                                                        {"upstream", open ? "circuit_open" : "available"}});
    return r;
  });
}

}  // namespace tokengate::proxy
