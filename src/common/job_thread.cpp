#include "common/job_thread.hpp"

namespace tokengate::common {

JobThread::JobThread(size_t max_queued) : max_queued_(max_queued), thread_([state = state_] { run(state); }) {}

JobThread::~JobThread() {
  std::deque<std::function<void()>> dropped;  // destroyed after the lock is released
  bool own_thread = std::this_thread::get_id() == thread_.get_id();
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    if (own_thread) dropped.swap(state_->jobs);  // what they would call is being destroyed
  }
  state_->wake.notify_all();
  if (own_thread)
    thread_.detach();  // run() holds the state; it returns once the current job does
  else
    thread_.join();
}

bool JobThread::post(std::function<void()> job) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopping || state_->jobs.size() >= max_queued_) return false;
    state_->jobs.push_back(std::move(job));
  }
  state_->wake.notify_one();
  return true;
}

void JobThread::run(const std::shared_ptr<State>& state) {
  std::unique_lock lock(state->mutex);
  for (;;) {
    state->wake.wait(lock, [&] { return state->stopping || !state->jobs.empty(); });
    if (state->jobs.empty()) return;  // stopping, nothing left
    auto job = std::move(state->jobs.front());
    state->jobs.pop_front();
    lock.unlock();
    try {
      job();
    } catch (...) {  // a job reports its own failures; one that throws anyway must not end the thread
    }
    job = nullptr;  // its captures go before the lock is taken again (they may destroy this JobThread)
    lock.lock();
  }
}

}  // namespace tokengate::common
