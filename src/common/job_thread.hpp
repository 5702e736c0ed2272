#pragma once
// A thread of its own for work that must not run on an event loop (a revocation's store write, a
// client library's HTTP fetch): jobs run one at a time, in order; a full queue refuses more
// (bounded memory). Each job reports its own failures.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace tokengate::common {

class JobThread {
 public:
  explicit JobThread(size_t max_queued = 10000);
  // Runs what is queued, then stops. Destroyed by one of its own jobs (a callback that drops the
  // last owner of what holds this), it cannot wait for itself: the jobs still queued are dropped
  // unrun and the thread ends once the running job returns.
  ~JobThread();

  // Queues `job`; false if the queue is full (the caller answers 503).
  bool post(std::function<void()> job);

 private:
  // Shared with the thread, so that it outlives this object when the thread is left to finish.
  struct State {
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> jobs;
    bool stopping = false;
  };
  static void run(const std::shared_ptr<State>& state);

  const size_t max_queued_;
  std::shared_ptr<State> state_ = std::make_shared<State>();
  std::thread thread_;
};

}  // namespace tokengate::common
