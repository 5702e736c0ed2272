#pragma once
// Proxy mode, assembled from the configuration: the upstream client with its circuit breaker, the
// token cache, and the proxied token endpoint with the health routes.
#include <functional>

#include "config/config.hpp"
#include "http/router.hpp"
#include "proxy/circuit_breaker.hpp"
#include "proxy/proxy_endpoint.hpp"
#include "proxy/upstream_jwks.hpp"

namespace tokengate::proxy {

class ProxyService {
 public:
  // Throws config::ConfigError when the upstream URL or CA file is unusable.
  explicit ProxyService(const config::Config& config);

  // POST /connect/token, /healthz and /readyz (ready unless the circuit is open), and discovery:
  // RFC 8414 metadata naming this server's token endpoint, and the upstream's JWKS served as ours.
  // `issuer` is this server's URL.
  void add_to(http::Router& router, const std::string& issuer) const;
  // An endpoint for another route (the Cells Cloud one), sharing this upstream, cache and breaker.
  ProxyEndpoint endpoint(bool cells_compatible);

  const std::string& upstream_url() const { return upstream_.options().token_url; }
  const UpstreamJwks& jwks() const { return jwks_; }

  // The upstream's health as the Cells status check reports it.
  boost::json::object health(bool& healthy) const;

 private:
  CircuitBreaker breaker_;
  UpstreamClient upstream_;
  TokenCache cache_;
  CacheKeyer keyer_;
  UpstreamAuth auth_;
  ProxyEndpoint token_endpoint_;
  UpstreamJwks jwks_;
};

}  // namespace tokengate::proxy
