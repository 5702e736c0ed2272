#pragma once
// The real upstream transport: an async HTTP/1.1 client on the server's own event loops, with a
// bounded keep-alive connection pool per thread and origin, TLS with certificate and host name
// verification and SNI, a connect timeout and an overall deadline, safe retries with jittered
// backoff, and a circuit breaker consulted before every attempt.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "observe/recent_stats.hpp"
#include "proxy/circuit_breaker.hpp"
#include "proxy/upstream_transport.hpp"

namespace tokengate::proxy {

struct UpstreamOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds deadline{10000};        // for the whole call, retries included
  int max_retries = 2;
  size_t max_connections = 32;                      // per thread and origin, idle and busy together
  std::string ca_file;                              // empty: the system CA store
};

// Throws std::invalid_argument, naming `what`, unless `url` is an absolute http:// or https:// URL
// with a host.
void check_upstream_url(std::string_view what, const std::string& url);

class UpstreamClient final : public UpstreamTransport {
 public:
  // Throws std::runtime_error if the CA file cannot be loaded.
  UpstreamClient(UpstreamOptions options, CircuitBreaker& breaker);
  ~UpstreamClient() override;

  void send(boost::asio::io_context& loop, UpstreamRequest request, std::function<void(UpstreamResult)> done) override;

  const UpstreamOptions& options() const;
  // Outcome and latency of the recent calls (for the health check).
  observe::RecentStats::Summary recent() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tokengate::proxy
