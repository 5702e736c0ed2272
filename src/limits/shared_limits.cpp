#include "limits/shared_limits.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <unordered_map>

#include "store/store.hpp"

namespace tokengate::limits {

SharedLimits::SharedLimits(ClientLimits& limits, store::Store& store, std::string node, std::chrono::milliseconds every)
    : limits_(limits), store_(store), node_(std::move(node)), every_(every) {
  limits_.enable_sharing();
}

SharedLimits::~SharedLimits() { stop(); }

void SharedLimits::exchange() {
  auto deltas = limits_.drain_failures();
  if (!untold_.empty()) {  // what the store missed while away, added to what is new
    std::unordered_map<std::string, int64_t> sum;
    for (const auto& d : untold_) sum[d.key] += d.count;
    for (const auto& d : deltas) sum[d.key] += d.count;
    deltas.clear();
    for (auto& [key, count] : sum) deltas.push_back({key, count});
    untold_.clear();
  }
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto window = limits_.settings().window.count();
  try {
    auto heard = store_.exchange_failures(node_, deltas, since_ms_, now, window);
    since_ms_ = heard.read_at_ms;
    limits_.merge_failures(heard.changed, now, ClientLimits::Clock::now());
    live_nodes_.store(heard.live_nodes, std::memory_order_relaxed);
    limits_.set_rate_share(1.0 / heard.live_nodes);
    exchanges_.fetch_add(1, std::memory_order_relaxed);
    if (local_only_.exchange(false))
      spdlog::info("limits: the store answers again; lock-outs and rates are shared by the nodes once more");
    if (now >= next_purge_) {
      next_purge_ = now + 60;
      store_.purge_failures(now - 2 * window);
    }
  } catch (const std::exception& error) {
    // Kept for later, bounded: the oldest are the least use (their window ends first).
    if (deltas.size() > 100000) deltas.resize(100000);
    untold_ = std::move(deltas);
    limits_.set_rate_share(1.0);
    if (!local_only_.exchange(true))
      spdlog::warn("limits: the store cannot be reached ({}); lock-outs and rates are node-local until it can",
                   error.what());
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
