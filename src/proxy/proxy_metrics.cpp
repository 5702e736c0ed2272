#include "proxy/proxy_metrics.hpp"

#include <array>
#include <string>

namespace tokengate::proxy {
namespace {

using Outcome = UpstreamResult::Outcome;

// The label of each outcome, in the order of the enum.
constexpr std::array<std::pair<Outcome, const char*>, 6> kOutcomes = {{{Outcome::response, "answered"},
                                                                       {Outcome::unreachable, "unreachable"},
                                                                       {Outcome::timeout, "timeout"},
                                                                       {Outcome::broken, "broken"},
                                                                       {Outcome::tls_failed, "tls_failed"},
                                                                       {Outcome::circuit_open, "circuit_open"}}};

struct Ids {
  observe::CounterId cache_hit, cache_miss;
  std::array<observe::CounterId, kOutcomes.size()> outcomes;
  observe::HistogramId upstream_call;
};

const Ids& ids() {
  static const Ids registered = [] {
    auto& m = observe::Metrics::instance();
    Ids i{m.add_counter(), m.add_counter(), {}, m.add_histogram()};
    for (auto& o : i.outcomes) o = m.add_counter();
    return i;
  }();
  return registered;
}

}  // namespace

void count_token_cache(bool hit) { observe::Metrics::instance().count(hit ? ids().cache_hit : ids().cache_miss); }

void count_upstream_call(Outcome outcome, std::chrono::nanoseconds took) {
  auto& metrics = observe::Metrics::instance();
  for (size_t i = 0; i < kOutcomes.size(); ++i) {
    if (kOutcomes[i].first == outcome) metrics.count(ids().outcomes[i]);
  }
  if (outcome != Outcome::circuit_open) metrics.observe(ids().upstream_call, took);  // no call went out
}

std::shared_ptr<void> publish_proxy_metrics() {
  const Ids& i = ids();
  return observe::Metrics::instance().add_collector([&i](observe::Exposition& out) {
    auto& m = observe::Metrics::instance();
    out.family("tokengate_upstream_requests_total", "counter",
               "Calls to the upstream authorization server by outcome (answered: any HTTP status; circuit_open: "
               "refused by the breaker, no call made).");
    for (size_t o = 0; o < kOutcomes.size(); ++o)
      out.sample("tokengate_upstream_requests_total", std::string("outcome=\"") + kOutcomes[o].second + "\"",
                 m.total(i.outcomes[o]));
    out.family("tokengate_upstream_request_duration_seconds", "histogram", "Time of a call to the upstream, retries included.");
    m.write_histogram(out, "tokengate_upstream_request_duration_seconds", "", i.upstream_call);
    out.family("tokengate_token_cache_hits_total", "counter", "Token requests answered from the proxy's token cache.");
    out.sample("tokengate_token_cache_hits_total", "", m.total(i.cache_hit));
    out.family("tokengate_token_cache_misses_total", "counter", "Token requests the proxy's token cache could not answer.");
    out.sample("tokengate_token_cache_misses_total", "", m.total(i.cache_miss));
  });
}

}  // namespace tokengate::proxy
