#pragma once
// Notices changes that other processes (the CLI, other nodes) commit to the store and calls
// `reload` so the server republishes its snapshots; docs/CONTRACT.md promises that within 1 s.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "observe/recent_stats.hpp"
#include "store/store.hpp"

namespace tokengate::store {

class StoreWatcher {
 public:
  // Rebuilds the snapshots; returns when they next change with time alone (Unix seconds: a key
  // activates, a retired key expires), or 0.
  using Reload = std::function<int64_t()>;

  // `reload` runs on the watcher's thread when the store changed, when the time it named has come,
  // and at least every `refresh`. It may throw; the watcher then reports unhealthy and retries.
  StoreWatcher(Store& store, Reload reload, std::chrono::milliseconds poll = std::chrono::milliseconds(250),
               std::chrono::seconds refresh = std::chrono::seconds(60));
  ~StoreWatcher();

  // Loads once on the calling thread (errors propagate), then watches on a thread of its own.
  void start();
  void stop();
  // Reloads now, on the calling thread: after this process wrote to the store itself (its own
  // commits do not move the change counter it polls). Errors propagate.
  void reload_now();
  // Asks the watcher to look at the store now instead of at its next poll (a change notification).
  void poke();

  // Seconds since the snapshots were last loaded from the store (0 just after a load).
  int64_t snapshot_age() const;
  bool healthy() const { return healthy_.load(std::memory_order_relaxed); }
  // Outcome and latency of the recent polls.
  observe::RecentStats::Summary recent() const { return stats_.summary(); }

 private:
  void loop(uint64_t seen);

  Store& store_;
  int64_t reload();  // reload_ under reload_mutex_, remembering what it returned

  Reload reload_;
  std::mutex reload_mutex_;  // one reload at a time: a slow one must not publish over a newer one
  std::atomic<int64_t> next_change_{0};
  std::atomic<int64_t> loaded_at_{0};  // steady-clock seconds of the last successful reload
  std::unique_ptr<ChangeFeed> feed_;
  bool poked_ = false;  // under mutex_
  std::chrono::milliseconds poll_;
  std::chrono::seconds refresh_;
  std::atomic<bool> healthy_{true};
  observe::RecentStats stats_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tokengate::store
