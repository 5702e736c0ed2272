#pragma once
// The gauges of a running server that are read at scrape time: open connections, and per mode the
// snapshot (clients, keys, revocations, its age, the store's health) or the upstream's circuit.
// Each returns handles: the gauges are shown while the handles live.
#include <memory>
#include <vector>

#include "http/server.hpp"
#include "issuer/issuer_state.hpp"
#include "limits/quota_leases.hpp"
#include "limits/shared_limits.hpp"
#include "proxy/proxy_mode.hpp"
#include "store/store_watcher.hpp"

namespace tokengate::cli {

using MetricHandles = std::vector<std::shared_ptr<void>>;

MetricHandles server_metrics(const http::Server& server);
MetricHandles issuer_metrics(const issuer::IssuerState& state, const store::StoreWatcher& watcher);
MetricHandles proxy_metrics(const proxy::ProxyMode& mode);
// Quotas and the limits shared across nodes (`shared` null: one node). Per-client series only for
// the kQuotaClientsShown clients nearest their quota: bounded however many clients have one.
constexpr size_t kQuotaClientsShown = 20;
MetricHandles limit_metrics(const limits::QuotaLeases& quotas, const limits::SharedLimits* shared);

}  // namespace tokengate::cli
