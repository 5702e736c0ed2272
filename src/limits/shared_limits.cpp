#include "limits/shared_limits.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

#include "store/store.hpp"

namespace tokengate::limits {

SharedLimits::SharedLimits(ClientLimits& limits, store::Store& store, std::string node, std::chrono::milliseconds every)
    : limits_(limits), store_(store), node_(std::move(node)), every_(every) {
  limits_.enable_sharing();
}

SharedLimits::~SharedLimits() { stop(); }

void SharedLimits::exchange() {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto window = limits_.settings().window.count();
  // Everything to tell goes through untold_, which keeps what the store missed while it was away
  // (and since when), as many keys as the limits hold at most.
  for (const auto& d : limits_.drain_failures()) {
    auto found = untold_.find(d.key);
    if (found == untold_.end()) {
      if (untold_.size() >= limits_.settings().capacity) continue;
      found = untold_.emplace(d.key, Untold{0, now}).first;
    }
    found->second.count += d.count;
  }
  std::erase_if(untold_, [&](const auto& u) { return u.second.since + window <= now; });  // their window is over
  std::vector<store::FailureDelta> deltas;
  deltas.reserve(untold_.size());
  for (const auto& [key, u] : untold_) deltas.push_back({key, u.count});
  // In one order on every node: two nodes' upserts of the same keys cannot deadlock.
  std::sort(deltas.begin(), deltas.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  try {
    auto heard = store_.exchange_failures(node_, deltas, since_ms_, now, window);
    untold_.clear();
    since_ms_ = heard.read_at_ms;
    limits_.merge_failures(heard.changed, now, ClientLimits::Clock::now());
    live_nodes_.store(heard.live_nodes, std::memory_order_relaxed);
    limits_.set_rate_share(1.0 / heard.live_nodes);
    exchanges_.fetch_add(1, std::memory_order_relaxed);
    if (local_only_.exchange(false))
      spdlog::info("limits: the store answers again; lock-outs and rates are shared by the nodes once more");
  } catch (const std::exception& error) {
    limits_.set_rate_share(1.0);
    if (!local_only_.exchange(true))
      spdlog::warn("limits: the store cannot be reached ({}); lock-outs and rates are node-local until it can",
                   error.what());
    return;
  }
  if (now >= next_purge_) {
    next_purge_ = now + 60;
    try {
      store_.purge_failures(now - 2 * window);
    } catch (const std::exception& error) {
      spdlog::warn("limits: old failure counts could not be purged: {}", error.what());
    }
  }
}

void SharedLimits::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      exchange();
      lock.lock();
      wake_.wait_for(lock, every_, [this] { return stopping_; });
    }
  });
}

void SharedLimits::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tokengate::limits
