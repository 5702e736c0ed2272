#include "observe/metrics.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <list>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <vector>

#include "observe/process_metrics.hpp"

namespace tokengate::observe {
namespace {

constexpr size_t kMaxRoutes = 48;
constexpr size_t kMaxCounters = 32;
constexpr size_t kMaxHistograms = 8;

// The RFC error codes a client error is counted by; anything else (an upstream's own code) is "other".
constexpr std::array<std::string_view, 17> kErrors = {
    "invalid_request",     "invalid_client",     "invalid_grant",           "unauthorized_client",
    "unsupported_grant_type", "invalid_scope",   "invalid_target",          "invalid_token",
    "insufficient_scope",  "too_many_requests",  "temporarily_unavailable", "unsupported_token_type",
    "access_denied",       "not_found",          "method_not_allowed",      "conflict",
    "other"};

// Outcome slots: 0 success; 1.. one per client error code; then server_error, upstream_error.
constexpr size_t kClientErrorBase = 1;
constexpr size_t kServerError = kClientErrorBase + kErrors.size();
constexpr size_t kUpstreamError = kServerError + 1;
constexpr size_t kOutcomes = kUpstreamError + 1;

// Bucket upper bounds, in nanoseconds (100 µs to 10 s); a last slot counts what exceeds them.
constexpr std::array<uint64_t, 16> kBounds = {100'000,     250'000,     500'000,       1'000'000,
                                              2'500'000,   5'000'000,   10'000'000,    25'000'000,
                                              50'000'000,  100'000'000, 250'000'000,   500'000'000,
                                              1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};

using Cell = std::atomic<uint64_t>;

// Written by one thread only: a relaxed load and store, no locked instruction.
inline void bump(Cell& c, uint64_t n = 1) { c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }

struct HistogramCells {
  std::array<Cell, kBounds.size() + 1> buckets{};
  Cell sum_ns{0};

  void add(uint64_t ns) {
    size_t i = 0;
    while (i < kBounds.size() && ns > kBounds[i]) ++i;
    bump(buckets[i]);
    bump(sum_ns, ns);
  }
};

struct RouteCells {
  std::array<Cell, kOutcomes> outcomes{};
  HistogramCells duration;
};

// One thread's counts. alignas: two threads' shards never share a cache line.
struct alignas(64) Shard {
  std::array<RouteCells, kMaxRoutes> routes{};
  std::array<Cell, kMaxCounters> counters{};
  std::array<HistogramCells, kMaxHistograms> histograms{};
};

size_t outcome_slot(int status, std::string_view error, bool upstream_failure) {
  if (status < 400) return 0;
  if (status >= 500) return upstream_failure ? kUpstreamError : kServerError;
  for (size_t i = 0; i < kErrors.size() - 1; ++i) {
    if (kErrors[i] == error) return kClientErrorBase + i;
  }
  return kClientErrorBase + kErrors.size() - 1;
}

// Summed over the shards.
struct HistogramTotals {
  std::array<uint64_t, kBounds.size() + 1> buckets{};
  uint64_t sum_ns = 0;
  void add(const HistogramCells& h) {
    for (size_t i = 0; i < buckets.size(); ++i) buckets[i] += h.buckets[i].load(std::memory_order_relaxed);
    sum_ns += h.sum_ns.load(std::memory_order_relaxed);
  }
};

void write_histogram(Exposition& out, std::string_view name, const std::string& labels, const HistogramTotals& h) {
  std::string bucket = std::string(name) + "_bucket";
  std::string prefix = labels.empty() ? "" : labels + ",";
  uint64_t cumulative = 0;
  char le[32];
  for (size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += h.buckets[i];
    std::snprintf(le, sizeof le, "%g", static_cast<double>(kBounds[i]) / 1e9);
    out.sample(bucket, prefix + "le=\"" + le + "\"", cumulative);
  }
  cumulative += h.buckets.back();
  out.sample(bucket, prefix + "le=\"+Inf\"", cumulative);
  char sum[40];  // exact: whole seconds and nanoseconds
  std::snprintf(sum, sizeof sum, "%llu.%09llu", static_cast<unsigned long long>(h.sum_ns / 1'000'000'000),
                static_cast<unsigned long long>(h.sum_ns % 1'000'000'000));
  out.sample_text(std::string(name) + "_sum", labels, sum);
  out.sample(std::string(name) + "_count", labels, cumulative);
}

struct Family {
  RouteKind kind;
  const char* counter;
  const char* counter_help;
  const char* success;  // the outcome label of a 2xx/3xx
  const char* histogram;
  const char* histogram_help;
  bool route_label;
};

constexpr Family kFamilies[] = {
    {RouteKind::token, "tokengate_token_requests_total",
     "Token requests by route and outcome (issued, client_error by RFC 6749 error code, server_error, upstream_error).",
     "issued", "tokengate_token_request_duration_seconds", "Time from a token request read to its response written.",
     true},
    {RouteKind::introspection, "tokengate_introspection_requests_total",
     "Introspection requests (RFC 7662) by outcome.", "answered", "tokengate_introspection_request_duration_seconds",
     "Time to answer an introspection request.", false},
    {RouteKind::revocation, "tokengate_revocations_total", "Revocation requests (RFC 7009) by outcome.", "revoked",
     "tokengate_revocation_request_duration_seconds", "Time to answer a revocation request.", false},
    {RouteKind::other, "tokengate_http_requests_total",
     "Requests to every other route (metadata, keys, status, health, docs, admin) by outcome.", "ok",
     "tokengate_http_request_duration_seconds", "Time to answer a request to another route.", true},
};

thread_local Shard* t_shard = nullptr;

}  // namespace

struct Metrics::Impl {
  std::mutex mutex;  // registration, shards list, collectors: never on the request path
  std::vector<std::pair<std::string, RouteKind>> routes;
  std::list<Shard> shards;  // stable addresses
  std::list<std::shared_ptr<Collector>> collectors;
  // Held shared while a scrape runs the collectors, exclusively by a collector's handle as it goes:
  // a collector never runs after its handle is gone (its owner may be destroyed next).
  std::shared_mutex collecting;
  std::string mode = "issuer";
  size_t counters = 0;    // registered so far
  size_t histograms = 0;

  // This thread's shard, made on its first count.
  Shard& local() {
    if (!t_shard) {
      std::lock_guard lock(mutex);
      t_shard = &shards.emplace_back();
    }
    return *t_shard;
  }
};

Metrics& Metrics::instance() {
  static Metrics* metrics = new Metrics();  // never destroyed: threads may count until the very end
  return *metrics;
}

Metrics::Metrics() : impl_(new Impl) { impl_->routes.emplace_back("(unmatched)", RouteKind::other); }

uint16_t Metrics::register_route(std::string_view name, RouteKind kind) {
  std::lock_guard lock(impl_->mutex);
  for (size_t i = 0; i < impl_->routes.size(); ++i) {
    if (impl_->routes[i].first == name && impl_->routes[i].second == kind) return static_cast<uint16_t>(i);
  }
  if (impl_->routes.size() >= kMaxRoutes) throw std::logic_error("metrics: more than kMaxRoutes routes");
  impl_->routes.emplace_back(std::string(name), kind);
  return static_cast<uint16_t>(impl_->routes.size() - 1);
}

void Metrics::record_request(uint16_t route, int status, std::string_view error, bool upstream_failure,
                             std::chrono::nanoseconds duration) {
  RouteCells& cells = impl_->local().routes[route < kMaxRoutes ? route : 0];
  bump(cells.outcomes[outcome_slot(status, error, upstream_failure)]);
  cells.duration.add(static_cast<uint64_t>(std::max<int64_t>(0, duration.count())));
}

CounterId Metrics::add_counter() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->counters >= kMaxCounters) throw std::logic_error("metrics: more than kMaxCounters counters");
  return CounterId{static_cast<uint8_t>(impl_->counters++)};
}

HistogramId Metrics::add_histogram() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->histograms >= kMaxHistograms) throw std::logic_error("metrics: more than kMaxHistograms histograms");
  return HistogramId{static_cast<uint8_t>(impl_->histograms++)};
}

void Metrics::count(CounterId counter, uint64_t n) { bump(impl_->local().counters[counter.index], n); }

void Metrics::observe(HistogramId histogram, std::chrono::nanoseconds duration) {
  impl_->local().histograms[histogram.index].add(static_cast<uint64_t>(std::max<int64_t>(0, duration.count())));
}

uint64_t Metrics::total(CounterId counter) {
  std::lock_guard lock(impl_->mutex);
  uint64_t sum = 0;
  for (const Shard& s : impl_->shards) sum += s.counters[counter.index].load(std::memory_order_relaxed);
  return sum;
}

void Metrics::write_histogram(Exposition& out, std::string_view name, const std::string& labels, HistogramId histogram) {
  HistogramTotals totals;
  {
    std::lock_guard lock(impl_->mutex);
    for (const Shard& s : impl_->shards) totals.add(s.histograms[histogram.index]);
  }
  observe::write_histogram(out, name, labels, totals);
}

void Metrics::set_mode(std::string_view mode) {
  std::lock_guard lock(impl_->mutex);
  impl_->mode = mode;
}

std::shared_ptr<void> Metrics::add_collector(Collector collector) {
  std::lock_guard lock(impl_->mutex);
  auto& entry = impl_->collectors.emplace_back(std::make_shared<Collector>(std::move(collector)));
  Impl* impl = impl_;
  Collector* key = entry.get();
  return std::shared_ptr<void>(nullptr, [impl, key](void*) {
    {
      std::lock_guard lock(impl->mutex);
      impl->collectors.remove_if([key](const std::shared_ptr<Collector>& c) { return c.get() == key; });
    }
    std::unique_lock wait_for_scrapes(impl->collecting);
  });
}

std::string Metrics::exposition() {
  Exposition out;
  std::vector<std::pair<std::string, RouteKind>> routes;
  std::vector<std::array<uint64_t, kOutcomes>> outcomes;
  std::vector<HistogramTotals> durations;
  std::vector<std::shared_ptr<Collector>> collectors;
  std::string mode;
  {
    std::lock_guard lock(impl_->mutex);
    routes = impl_->routes;
    mode = impl_->mode;
    outcomes.assign(routes.size(), {});
    durations.assign(routes.size(), {});
    for (const Shard& s : impl_->shards) {
      for (size_t r = 0; r < routes.size(); ++r) {
        for (size_t o = 0; o < kOutcomes; ++o) outcomes[r][o] += s.routes[r].outcomes[o].load(std::memory_order_relaxed);
        durations[r].add(s.routes[r].duration);
      }
    }
  }

  out.family("tokengate_build_info", "gauge", "The running tokengate: version and mode.");
  out.sample("tokengate_build_info", "version=" + Exposition::label_value(TOKENGATE_VERSION) +
                                         ",mode=" + Exposition::label_value(mode),
             uint64_t{1});

  for (const Family& f : kFamilies) {
    std::vector<size_t> members;
    for (size_t r = 0; r < routes.size(); ++r) {
      if (routes[r].second != f.kind) continue;
      uint64_t total = 0;
      for (uint64_t v : outcomes[r]) total += v;
      // Routes registered but never asked are shown for the token family (a zero is information);
      // elsewhere only once they have been asked.
      if (total > 0 || f.kind == RouteKind::token) members.push_back(r);
    }
    if (members.empty() && f.kind != RouteKind::introspection && f.kind != RouteKind::revocation) continue;
    // The per-route families sum their routes' counts; the others have one series per outcome.
    out.family(f.counter, "counter", f.counter_help);
    auto route_label = [&](size_t r) { return f.route_label ? "route=" + Exposition::label_value(routes[r].first) : std::string(); };
    auto join = [](const std::string& a, const std::string& b) { return a.empty() ? b : b.empty() ? a : a + "," + b; };
    std::vector<std::pair<std::string, std::array<uint64_t, kOutcomes>>> series;
    std::vector<std::pair<std::string, HistogramTotals>> histogram_series;
    for (size_t r : members) {
      std::string label = route_label(r);
      auto it = std::find_if(series.begin(), series.end(), [&](const auto& s) { return s.first == label; });
      if (it == series.end()) {
        series.push_back({label, outcomes[r]});
        histogram_series.push_back({label, durations[r]});
      } else {
        for (size_t o = 0; o < kOutcomes; ++o) it->second[o] += outcomes[r][o];
        auto& h = histogram_series[static_cast<size_t>(it - series.begin())].second;
        for (size_t b = 0; b < h.buckets.size(); ++b) h.buckets[b] += durations[r].buckets[b];
        h.sum_ns += durations[r].sum_ns;
      }
    }
    if (series.empty()) series.push_back({"", {}});  // introspection and revocation: a zero
    for (const auto& [label, counts] : series) {
      out.sample(f.counter, join(label, std::string("outcome=\"") + f.success + "\""), counts[0]);
      for (size_t i = 0; i < kErrors.size(); ++i) {
        if (counts[kClientErrorBase + i])
          out.sample(f.counter, join(label, "outcome=\"client_error\",error=\"" + std::string(kErrors[i]) + "\""),
                     counts[kClientErrorBase + i]);
      }
      if (counts[kServerError]) out.sample(f.counter, join(label, "outcome=\"server_error\""), counts[kServerError]);
      if (counts[kUpstreamError]) out.sample(f.counter, join(label, "outcome=\"upstream_error\""), counts[kUpstreamError]);
    }
    // Durations of the routes that have been asked (a family with no sample until then).
    out.family(f.histogram, "histogram", f.histogram_help);
    for (size_t i = 0; i < histogram_series.size(); ++i) {
      uint64_t asked = 0;
      for (uint64_t v : series[i].second) asked += v;
      if (asked > 0) observe::write_histogram(out, f.histogram, histogram_series[i].first, histogram_series[i].second);
    }
  }

  std::shared_lock running(impl_->collecting);  // until the collectors have run
  {
    std::lock_guard lock(impl_->mutex);  // the list as it is now: a collector removed meanwhile is not run
    collectors.assign(impl_->collectors.begin(), impl_->collectors.end());
  }
  for (const auto& c : collectors) (*c)(out);
  write_process_metrics(out);
  return std::move(out.text());
}

}  // namespace tokengate::observe
