#pragma once
// Publishes immutable snapshots to many reader threads without a lock on the read path.
//
// The writer (rare: a store change) swaps the snapshot under a mutex and bumps a version. Each
// reader thread keeps its own shared_ptr to the last snapshot it saw and, per request, does one
// atomic load of the version (see read_snapshot); only when it changed does the thread take the mutex to pick up the
// new snapshot. So the token path takes no global lock and touches no shared cache line for writing.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace tokengate::store {

template <class T>
class SnapshotCell {
 public:
  explicit SnapshotCell(std::shared_ptr<const T> initial) : current_(std::move(initial)) {}

  void publish(std::shared_ptr<const T> next) {
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
    version_.fetch_add(1, std::memory_order_release);
  }

  std::shared_ptr<const T> load() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  uint64_t id() const { return id_; }  // unique in the process, so thread caches never mix up cells

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> current_;
  std::atomic<uint64_t> version_{1};
  const uint64_t id_ = next_id();

  static uint64_t next_id() {
    static std::atomic<uint64_t> counter{0};
    return counter.fetch_add(1) + 1;
  }
};

// The calling thread's view of `cell`: one atomic load unless a new snapshot was published. The
// reference stays valid until this thread next calls read_snapshot for the same T, so a request
// handler reads each cell once and keeps the reference for the rest of the request.
template <class T>
const T& read_snapshot(const SnapshotCell<T>& cell) {
  thread_local uint64_t cell_id = 0;
  thread_local uint64_t seen = 0;
  thread_local std::shared_ptr<const T> cached;
  uint64_t v = cell.version();
  if (cell_id != cell.id() || seen != v) {
    cached = cell.load();
    cell_id = cell.id();
    seen = v;
  }
  return *cached;
}

}  // namespace tokengate::store
