#include "store/store_watcher.hpp"

#include <ctime>

#include <spdlog/spdlog.h>

namespace tokengate::store {

StoreWatcher::StoreWatcher(Store& store, Reload reload, std::chrono::milliseconds poll,
                           std::chrono::seconds refresh)
    : store_(store), reload_(std::move(reload)), poll_(poll), refresh_(refresh) {}

StoreWatcher::~StoreWatcher() { stop(); }

void StoreWatcher::start() {
  // The counter is read before the first load, so a change committed in between is seen as one.
  uint64_t counter = store_.change_counter();
  reload();
  thread_ = std::thread([this, counter] { loop(counter); });
  feed_ = store_.watch_changes([this] { poke(); });  // PostgreSQL: woken by NOTIFY, polling stays the fallback
}

int64_t StoreWatcher::reload() {
  std::lock_guard lock(reload_mutex_);
  int64_t next = reload_();
  next_change_.store(next, std::memory_order_relaxed);
  loaded_at_.store(std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::steady_clock::now().time_since_epoch()).count(),
                   std::memory_order_relaxed);
  return next;
}

int64_t StoreWatcher::snapshot_age() const {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return now - loaded_at_.load(std::memory_order_relaxed);
}

void StoreWatcher::poke() {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  wake_.notify_all();
}

void StoreWatcher::reload_now() { reload(); }

void StoreWatcher::stop() {
  feed_.reset();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StoreWatcher::loop(uint64_t seen) {
  auto last_reload = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, poll_, [this] { return stopping_ || poked_; });
    if (stopping_) break;
    poked_ = false;
    lock.unlock();
    auto started = std::chrono::steady_clock::now();
    try {
      uint64_t counter = store_.change_counter();
      auto now = std::chrono::steady_clock::now();
      bool changed = counter != seen;
      int64_t next = next_change_.load(std::memory_order_relaxed);
      bool due = next != 0 && std::time(nullptr) >= next;
      if (changed || due || !healthy_ || now - last_reload >= refresh_) {
        reload();
        last_reload = now;
        if (changed) spdlog::info("store changed: snapshots reloaded");
      }
      seen = counter;
      if (!healthy_.exchange(true)) spdlog::info("store reachable again");
      stats_.record(true, std::chrono::steady_clock::now() - started);
    } catch (const std::exception& e) {
      stats_.record(false, std::chrono::steady_clock::now() - started);
      if (healthy_.exchange(false)) spdlog::error("store unreachable, serving the last snapshot: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace tokengate::store
