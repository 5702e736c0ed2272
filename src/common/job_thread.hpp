#pragma once
// A thread of its own for work that must not run on an event loop (a revocation's store write, a
// client library's HTTP fetch): jobs run one at a time, in order; a full queue refuses more
// (bounded memory). Each job reports its own failures.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace tokengate::common {

class JobThread {
 public:
  explicit JobThread(size_t max_queued = 10000);
  ~JobThread();  // runs what is queued, then stops

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

}  // namespace tokengate::common
