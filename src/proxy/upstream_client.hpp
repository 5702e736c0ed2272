#pragma once
// The async HTTP/1.1 client for the upstream token endpoint, on the server's own event loops:
// a bounded keep-alive connection pool per thread, TLS with certificate and host name verification
// and SNI, a connect timeout and an overall deadline, safe retries with jittered backoff, and the
// circuit breaker consulted before every attempt.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "observe/recent_stats.hpp"
#include "proxy/circuit_breaker.hpp"
#include "proxy/upstream_result.hpp"

namespace tokengate::proxy {

struct UpstreamOptions {
  std::string token_url;                            // http:// or https:// (the URL every call goes to)
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds deadline{10000};        // for the whole call, retries included
  int max_retries = 2;
  size_t max_connections = 32;                      // per thread, idle and busy together
  std::string ca_file;                              // empty: the system CA store
};

class UpstreamClient {
 public:
  // Throws std::invalid_argument if the URL is unusable, std::runtime_error if the CA file is.
  UpstreamClient(UpstreamOptions options, CircuitBreaker& breaker);
  ~UpstreamClient();

  // POSTs `form` (application/x-www-form-urlencoded) with the optional Authorization header to the
  // URL and calls `done` with the outcome, on the calling thread's event loop.
  void post_form(std::string form, std::string authorization, std::function<void(UpstreamResult)> done);
  // GETs the URL (metadata, JWKS), likewise.
  void get(std::function<void(UpstreamResult)> done);

  const UpstreamOptions& options() const;
  // Outcome and latency of the recent calls (for the health check).
  observe::RecentStats::Summary recent() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tokengate::proxy
