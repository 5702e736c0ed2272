#pragma once
// Prometheus metrics (text exposition format 0.0.4), served by the admin listener at /metrics.
//
// Counting must not slow the token path: every thread counts into a shard of its own (plain
// relaxed stores, no lock, no shared cache line), and a scrape sums the shards. Routes are
// registered once, at start, and counted by index.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "observe/exposition.hpp"

namespace tokengate::observe {

// What a route is, for the metric families it feeds.
enum class RouteKind : uint8_t { other, token, introspection, revocation };

// Events counted off the request accounting (proxy mode's upstream and cache, the audit trail).
enum class Counter : uint8_t {
  token_cache_hit,
  token_cache_miss,
  upstream_answered,        // the upstream answered (any status)
  upstream_unreachable,
  upstream_timeout,
  upstream_broken,
  upstream_tls_failed,
  upstream_circuit_open,    // refused by the breaker: no call went out
  audit_failures_summarised,  // failed authentications folded into a summary entry (a flood)
  kCount
};

// Histograms other than the per-route request durations.
enum class Histogram : uint8_t { upstream_call, kCount };

class Metrics {
 public:
  static Metrics& instance();  // one per process

  // At start, by the router: a route and its index (the same for the same name).
  uint16_t register_route(std::string_view name, RouteKind kind);

  // One request answered, on the thread that answered it. `error`: the response's RFC error code
  // ("" on success); `upstream_failure`: a 5xx that the upstream caused (proxy mode).
  void record_request(uint16_t route, int status, std::string_view error, bool upstream_failure,
                      std::chrono::nanoseconds duration);
  void count(Counter counter, uint64_t n = 1);
  void observe(Histogram histogram, std::chrono::nanoseconds duration);

  // "issuer" or "proxy": the build_info label, and whether the proxy's families are shown.
  void set_mode(std::string_view mode);

  // Gauges and other figures read at scrape time (snapshot sizes, breaker state). Returns a handle:
  // the collector is removed when the handle is destroyed.
  using Collector = std::function<void(Exposition&)>;
  [[nodiscard]] std::shared_ptr<void> add_collector(Collector collector);

  std::string exposition();  // the whole text, every family

 private:
  Metrics();
  struct Impl;
  Impl* impl_;  // lives as long as the process: threads may count during static destruction
};

}  // namespace tokengate::observe
