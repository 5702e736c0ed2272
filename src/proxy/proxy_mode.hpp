#pragma once
// Proxy mode, assembled from the configuration: token requests go to the upstream (ProxyEndpoint,
// with its token cache and circuit breaker), the upstream's keys are published as ours and check
// Bearer tokens (libtokengate's Verifier: discovery, key cache, status lists), and health is the
// upstream's.
#include <memory>

#include "config/config.hpp"
#include "front/mode.hpp"
#include "proxy/cache_key.hpp"
#include "proxy/circuit_breaker.hpp"
#include "observe/recent_stats.hpp"
#include "proxy/proxy_endpoint.hpp"
#include "proxy/token_cache.hpp"
#include "proxy/upstream_client.hpp"
#include "proxy/upstream_token_verifier.hpp"
#include "tokengate/verifier.hpp"

namespace tokengate::proxy {

class ProxyMode final : public front::Mode {
 public:
  // Throws config::ConfigError when the upstream URL or CA file is unusable.
  explicit ProxyMode(const config::Config& config);

  std::string_view name() const override { return "proxy"; }
  void issue_token(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                   const front::ClientGate& gate, http::Respond respond) const override;
  // Forwarded to the endpoints the upstream's metadata names; 501 if it names none.
  void introspect(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                  std::optional<std::string_view> token, http::Respond respond) const override;
  void revoke(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
              std::optional<std::string_view> token, http::Respond respond) const override;
  void published_keys(boost::asio::io_context& loop, std::function<void(front::PublishedKeys)> done) const override;
  const oauth::AccessTokenVerifier& token_verifier() const override { return verifier_; }
  observe::HealthReport readiness() const override;  // ready unless the circuit is open
  observe::HealthReport health() const override;

  // The token endpoint's circuit now (for the metrics).
  CircuitBreaker::State circuit_state() const;
  observe::RecentStats::Summary upstream_recent() const { return token_client_.recent(); }

  const std::string& upstream_url() const { return token_url_; }

 private:
  void forward_operation(ProxyEndpoint::Operation operation, const oauth::TokenRequest& request,
                         const oauth::PresentedCredentials& credentials, std::optional<std::string_view> token,
                         http::Respond respond) const;

  std::string token_url_;
  CircuitBreaker token_breaker_;
  UpstreamClient token_client_;
  TokenCache cache_;
  CacheKeyer keyer_;
  ProxyEndpoint endpoint_;
  // The upstream's keys and metadata; its fetches are not the token endpoint's (no breaker shared).
  mutable tokengate::Verifier keys_;
  UpstreamTokenVerifier verifier_;
};

}  // namespace tokengate::proxy
