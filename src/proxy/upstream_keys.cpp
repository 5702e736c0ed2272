#include "proxy/upstream_keys.hpp"

#include <mutex>
#include <optional>
#include <vector>

#include <spdlog/spdlog.h>

#include "http/event_loop.hpp"

namespace tokengate::proxy {

struct UpstreamKeys::State : std::enable_shared_from_this<UpstreamKeys::State> {
  const UpstreamDiscovery& discovery;
  KeyRefreshPolicy policy;

  std::mutex mutex;
  Snapshot snapshot;
  KeyRefreshPolicy::Cache cache;
  std::vector<std::function<void(const Snapshot&)>> waiting;  // each answers on its own loop

  State(const UpstreamDiscovery& d, KeyRefreshPolicy p) : discovery(d), policy(p) {}

  // Ends a fetch: publishes what it found and answers everyone who waited.
  void finish(DiscoveryResult result) {
    std::vector<std::function<void(const Snapshot&)>> to_answer;
    Snapshot copy;
    {
      std::lock_guard lock(mutex);
      if (result.keys) {
        snapshot.keys = std::move(result.keys);
        snapshot.jwks_json = std::move(result.jwks_json);
        if (!result.issuer.empty()) snapshot.issuer = std::move(result.issuer);
        snapshot.introspection_endpoint = std::move(result.introspection_endpoint);
        snapshot.revocation_endpoint = std::move(result.revocation_endpoint);
        snapshot.error.clear();
      } else {
        snapshot.error = result.error;
      }
      cache.fetched_at = KeyRefreshPolicy::Clock::now();
      cache.fetched_once = true;
      cache.fetching = false;
      to_answer.swap(waiting);
      copy = snapshot;
    }
    if (!result.error.empty()) spdlog::warn("upstream JWKS: {}", result.error);
    for (auto& w : to_answer) w(copy);
  }
};

UpstreamKeys::UpstreamKeys(const UpstreamDiscovery& discovery, KeyRefreshPolicy policy, std::string configured_issuer)
    : state_(std::make_shared<State>(discovery, policy)) {
  state_->snapshot.issuer = std::move(configured_issuer);
}

void UpstreamKeys::current(boost::asio::io_context& loop, std::string_view kid,
                           std::function<void(const Snapshot&)> done) const {
  auto& s = *state_;
  bool start = false;
  std::optional<Snapshot> now;
  {
    std::lock_guard lock(s.mutex);
    bool known = s.snapshot.keys && (kid.empty() || s.snapshot.keys->find(kid));
    if (s.policy.decide(s.cache, known, KeyRefreshPolicy::Clock::now()) == KeyRefreshPolicy::Action::answer_now) {
      now = s.snapshot;
    } else {
      s.waiting.push_back(http::answer_on<Snapshot>(loop, std::move(done)));
      start = !s.cache.fetching;
      s.cache.fetching = true;
    }
  }
  if (now) return done(*now);
  if (!start) return;
  try {
    s.discovery.fetch(loop, [self = state_](DiscoveryResult r) { self->finish(std::move(r)); });
  } catch (const std::exception& e) {  // never leave the waiters waiting
    s.finish(DiscoveryResult{nullptr, {}, {}, std::string("the fetch failed: ") + e.what()});
  }
}

}  // namespace tokengate::proxy
