#include "cli/serve_metrics.hpp"

#include <algorithm>

#include "observe/exposition.hpp"
#include "observe/metrics.hpp"
#include "proxy/proxy_metrics.hpp"

namespace tokengate::cli {

MetricHandles server_metrics(const http::Server& server) {
  auto& metrics = observe::Metrics::instance();
  return {metrics.add_collector([&server](observe::Exposition& out) {
    out.family("tokengate_http_connections", "gauge", "Connections open on the public listener.");
    out.sample("tokengate_http_connections", "", static_cast<uint64_t>(server.open_connections()));
    out.family("tokengate_http_max_connections", "gauge", "The cap on open connections; more are refused with 503.");
    out.sample("tokengate_http_max_connections", "", static_cast<uint64_t>(server.max_connections()));
  })};
}

MetricHandles issuer_metrics(const issuer::IssuerState& state, const store::StoreWatcher& watcher) {
  auto& metrics = observe::Metrics::instance();
  return {metrics.add_collector([&state, &watcher](observe::Exposition& out) {
    auto keys = state.keys.load();
    out.family("tokengate_clients", "gauge", "Clients in the snapshot the server issues from.");
    out.sample("tokengate_clients", "", static_cast<uint64_t>(state.clients.load()->size()));
    out.family("tokengate_signing_keys_published", "gauge", "Keys in the JWKS (pending, active and retired).");
    out.sample("tokengate_signing_keys_published", "", static_cast<uint64_t>(keys->public_keys.size()));
    out.family("tokengate_signing_key_active", "gauge", "1 when a key signs now (0: tokens cannot be issued).");
    out.sample("tokengate_signing_key_active", "", uint64_t{keys->active ? 1u : 0u});
    out.family("tokengate_revocations", "gauge", "Revocations in force (tokens and client generations).");
    out.sample("tokengate_revocations", "", static_cast<uint64_t>(state.revocations.load()->size()));
    out.family("tokengate_snapshot_age_seconds", "gauge", "Seconds since the snapshot was last loaded from the store.");
    out.sample("tokengate_snapshot_age_seconds", "", static_cast<uint64_t>(watcher.snapshot_age()));
    out.family("tokengate_store_up", "gauge", "1 when the last look at the store succeeded.");
    out.sample("tokengate_store_up", "", uint64_t{watcher.healthy() ? 1u : 0u});
    // The store's recent polls: here for the operator, not in the token holders' status check.
    auto recent = watcher.recent();
    out.family("tokengate_store_poll_error_percent", "gauge", "Share of the recent store polls that failed, in percent.");
    out.sample("tokengate_store_poll_error_percent", "", static_cast<uint64_t>(recent.error_rate * 100 + 0.5));
    out.family("tokengate_store_poll_latency_microseconds", "gauge", "Mean latency of the recent store polls.");
    out.sample("tokengate_store_poll_latency_microseconds", "", static_cast<uint64_t>(recent.mean_latency_ms * 1000));
  })};
}

MetricHandles limit_metrics(const limits::QuotaLeases& quotas, const limits::SharedLimits* shared) {
  auto& metrics = observe::Metrics::instance();
  return {metrics.add_collector([&quotas, shared](observe::Exposition& out) {
    out.family("tokengate_quota_grants_total", "counter", "Grants of clients with a quota, by this node's answer.");
    out.sample("tokengate_quota_grants_total", "outcome=\"issued\"", quotas.issued());
    out.sample("tokengate_quota_grants_total", "outcome=\"refused\"", quotas.refusals());
    out.family("tokengate_quota_store_claims_total", "counter",
               "Round trips to the store for quota leases (all clients' claims in one).");
    out.sample("tokengate_quota_store_claims_total", "", quotas.claims());
    out.family("tokengate_quota_used_ratio", "gauge",
               "Use of the quota in the current period, as this node knows it, for the clients nearest theirs.");
    for (const auto& use : quotas.nearest_quota(kQuotaClientsShown))
      out.sample("tokengate_quota_used_ratio", "client_id=" + observe::Exposition::label_value(use.client_id),
                 static_cast<double>(use.used) / static_cast<double>(std::max<int64_t>(1, use.quota.limit)));
    bool local = quotas.local_only() || (shared && shared->local_only());
    out.family("tokengate_limits_node_local", "gauge",
               "1 while the store cannot be reached and quotas and lock-outs are counted by this node alone.");
    out.sample("tokengate_limits_node_local", "", uint64_t{local ? 1u : 0u});
    if (shared) {
      out.family("tokengate_limits_live_nodes", "gauge", "Nodes sharing lock-outs and rates through the store.");
      out.sample("tokengate_limits_live_nodes", "", static_cast<uint64_t>(shared->live_nodes()));
      out.family("tokengate_limits_store_exchanges_total", "counter", "Exchanges of failure counts with the store.");
      out.sample("tokengate_limits_store_exchanges_total", "", shared->exchanges());
    }
  })};
}

MetricHandles proxy_metrics(const proxy::ProxyMode& mode) {
  auto& metrics = observe::Metrics::instance();
  return {proxy::publish_proxy_metrics(), metrics.add_collector([&mode](observe::Exposition& out) {
    out.family("tokengate_upstream_circuit_state", "gauge",
               "The upstream token endpoint's circuit breaker: 0 closed, 1 half-open (probing), 2 open (refusing).");
    auto state = mode.circuit_state();
    uint64_t code = state == proxy::CircuitBreaker::State::closed ? 0 : state == proxy::CircuitBreaker::State::half_open ? 1 : 2;
    out.sample("tokengate_upstream_circuit_state", "", code);
    auto recent = mode.upstream_recent();
    out.family("tokengate_upstream_error_percent", "gauge", "Share of the recent upstream token calls that failed, in percent.");
    out.sample("tokengate_upstream_error_percent", "", static_cast<uint64_t>(recent.error_rate * 100 + 0.5));
    out.family("tokengate_upstream_latency_microseconds", "gauge", "Mean latency of the recent upstream token calls.");
    out.sample("tokengate_upstream_latency_microseconds", "", static_cast<uint64_t>(recent.mean_latency_ms * 1000));
  })};
}

}  // namespace tokengate::cli
