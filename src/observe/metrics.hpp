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

// Counters and histograms a room registers for itself (the proxy's upstream calls, the audit
// trail's summaries), counted like the request metrics (per thread, no lock) and shown by that
// room's own collector. Opaque indexes.
struct CounterId {
  uint8_t index = 0;
};
struct HistogramId {
  uint8_t index = 0;
};

class Metrics {
 public:
  static Metrics& instance();  // one per process

  // At start, by the router: a route and its index (the same for the same name).
  uint16_t register_route(std::string_view name, RouteKind kind);

  // One request answered, on the thread that answered it. `error`: the response's RFC error code
  // ("" on success); `upstream_failure`: a 5xx that the upstream caused (proxy mode).
  void record_request(uint16_t route, int status, std::string_view error, bool upstream_failure,
                      std::chrono::nanoseconds duration);

  // At start, by the room that counts: a counter or histogram of its own (a bounded number).
  CounterId add_counter();
  HistogramId add_histogram();
  void count(CounterId counter, uint64_t n = 1);
  void observe(HistogramId histogram, std::chrono::nanoseconds duration);
  // For that room's collector: the total so far, and a histogram as a Prometheus family's samples.
  uint64_t total(CounterId counter);
  void write_histogram(Exposition& out, std::string_view name, const std::string& labels, HistogramId histogram);

  // "issuer" or "proxy": the build_info label.
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
