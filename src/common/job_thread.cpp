#include "common/job_thread.hpp"

namespace tokengate::common {

JobThread::JobThread(size_t max_queued) : max_queued_(max_queued), thread_([this] { run(); }) {}

JobThread::~JobThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool JobThread::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void JobThread::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, nothing left
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    try {
      job();
    } catch (...) {  // a job reports its own failures; one that throws anyway must not end the thread
    }
    lock.lock();
  }
}

}  // namespace tokengate::common
