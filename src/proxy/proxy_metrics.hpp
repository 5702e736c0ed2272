#pragma once
// The proxy's own metrics: its calls to the upstream (by outcome, and how long they took) and its
// token cache. Counted where they happen (no lock: observe::Metrics' per-thread shards), shown as
// Prometheus families while the handle publish_proxy_metrics returns lives (proxy mode only).
#include <memory>

#include "observe/metrics.hpp"
#include "proxy/upstream_result.hpp"

namespace tokengate::proxy {

void count_token_cache(bool hit);
// One call's outcome and duration (tokengate_upstream_requests_total, ..._duration_seconds).
void count_upstream_call(UpstreamResult::Outcome outcome, std::chrono::nanoseconds took);

[[nodiscard]] std::shared_ptr<void> publish_proxy_metrics();

}  // namespace tokengate::proxy
