#pragma once
// The abuse limits of all nodes on one store held as one (limits/client_limits): every quarter
// second, on a thread of its own, a node tells the store the failed authentications it counted
// since it last did and hears back every count that changed, so a lock-out decided on one node
// holds on the others within a second; it also learns how many nodes are alive and takes its share
// of the per-second rates. No request waits for the store.
//
// While the store cannot be reached, each node keeps its own counts and the whole rates (said once
// in the log, and by local_only() for /readyz and the metrics); the failures it counted meanwhile
// are told when the store is back, if their window still runs.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "limits/client_limits.hpp"

namespace tokengate::store {
class Store;
}

namespace tokengate::limits {

class SharedLimits {
 public:
  SharedLimits(ClientLimits& limits, store::Store& store, std::string node,
               std::chrono::milliseconds every = std::chrono::milliseconds(250));
  ~SharedLimits();

  void exchange();  // one round (the thread's; tests call it)
  void start();
  void stop();

  bool local_only() const { return local_only_.load(std::memory_order_relaxed); }
  int live_nodes() const { return live_nodes_.load(std::memory_order_relaxed); }
  uint64_t exchanges() const { return exchanges_.load(std::memory_order_relaxed); }

 private:
  ClientLimits& limits_;
  store::Store& store_;
  std::string node_;
  std::chrono::milliseconds every_;
  int64_t since_ms_ = 0;        // the store's clock at the last exchange
  int64_t next_purge_ = 0;
  // Counted while the store was away, and since when: told when it is back, if still in their window.
  struct Untold {
    int64_t count = 0;
    int64_t since = 0;  // Unix seconds
  };
  std::unordered_map<std::string, Untold> untold_;
  std::atomic<bool> local_only_{false};
  std::atomic<int> live_nodes_{1};
  std::atomic<uint64_t> exchanges_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tokengate::limits
