#include "proxy/proxy_service.hpp"

#include <stdexcept>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

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
      token_endpoint_(upstream_, cache_, keyer_, auth_, false) {}

ProxyEndpoint ProxyService::endpoint(bool cells_compatible) {
  return ProxyEndpoint(upstream_, cache_, keyer_, auth_, cells_compatible);
}

void ProxyService::add_to(http::Router& router) const {
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
