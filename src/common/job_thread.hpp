#pragma once
// A thread of its own for the store writes a request causes (a revocation): the event loops never
// wait on the disk. Jobs run one at a time, in order; a full queue refuses more (bounded memory).
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace tokengate::store {

class StoreWorker {
 public:
  explicit StoreWorker(size_t max_queued = 10000);
  ~StoreWorker();  // runs what is queued, then stops

  // Queues `job`; false if the queue is full (the caller answers 503).
  bool post(std::function<void()> job);

 private:
  void run();

  const size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tokengate::store
