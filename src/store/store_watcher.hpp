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
  // `reload` runs on the watcher's thread when the store changed, and at least every `refresh`
  // (retired keys expire with time alone). It may throw; the watcher then reports unhealthy and retries.
  StoreWatcher(Store& store, std::function<void()> reload, std::chrono::milliseconds poll = std::chrono::milliseconds(250),
               std::chrono::seconds refresh = std::chrono::seconds(60));
  ~StoreWatcher();

  // Loads once on the calling thread (errors propagate), then watches on a thread of its own.
  void start();
  void stop();
  bool healthy() const { return healthy_.load(std::memory_order_relaxed); }
  // Outcome and latency of the recent polls.
  observe::RecentStats::Summary recent() const { return stats_.summary(); }

 private:
  void loop(uint64_t seen);

  Store& store_;
  std::function<void()> reload_;
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
