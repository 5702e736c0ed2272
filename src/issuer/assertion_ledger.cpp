#include "issuer/assertion_ledger.hpp"

#include <pthread.h>
#include <sched.h>

#include <ctime>

#include <spdlog/spdlog.h>

namespace tokengate::issuer {
namespace {

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string key_of(const store::UsedAssertion& used) { return used.client_id + '\n' + used.jti; }

}  // namespace

AssertionLedger::AssertionLedger(store::Store& store, size_t max_waiting)
    : store_(store), max_waiting_(max_waiting), thread_([this] { run(); }) {}

AssertionLedger::~AssertionLedger() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void AssertionLedger::record(store::UsedAssertion used, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (waiting_.size() < max_waiting_ && !stopping_) {
      waiting_.push_back({std::move(used), std::move(done)});
      // The thread sleeps only when nothing waits: wake it for the first one.
      if (waiting_.size() == 1) wake_.notify_one();
      return;
    }
  }
  done(Verdict::busy);
}

uint64_t AssertionLedger::store_writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

void AssertionLedger::run() {
  // SCHED_BATCH: woken, this thread does not preempt the event loop that woke it, so the loop goes
  // on reading requests and a batch holds what arrived meanwhile (else, on a busy core, every
  // assertion was its own batch: two context switches and a transaction each).
  sched_param param{};
  pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
    if (waiting_.empty()) return;  // stopping, nothing left
    std::deque<Waiting> batch;
    batch.swap(waiting_);
    lock.unlock();
    write(batch);
    lock.lock();
  }
}

void AssertionLedger::write(std::deque<Waiting>& batch) {
  int64_t now = unix_now();
  if (now >= next_purge_) {  // once a minute: what has expired is forgotten here and in the store
    std::erase_if(seen_, [now](const auto& entry) { return entry.second < now; });
    try {
      store_.purge_assertions(now);
    } catch (const std::exception& e) {
      spdlog::warn("expired client assertions not purged: {}", e.what());
    }
    next_purge_ = now + 60;
  }
  // Those this node has seen (in an earlier batch or this one) are refused without the store.
  std::vector<store::UsedAssertion> asked;
  std::vector<Waiting*> asking;
  for (auto& w : batch) {
    auto [it, inserted] = seen_.try_emplace(key_of(w.used), w.used.expires_at);
    if (!inserted) {
      w.done(Verdict::replayed);
      continue;
    }
    asked.push_back(w.used);
    asking.push_back(&w);
  }
  if (asked.empty()) return;
  std::vector<bool> fresh;
  try {
    fresh = store_.record_assertions(asked);
    std::lock_guard lock(mutex_);
    ++writes_;
  } catch (const std::exception& e) {
    spdlog::warn("client assertions not recorded ({} refused for now): {}", asked.size(), e.what());
    // Not recorded anywhere: a retry once the store is back may use them.
    for (const auto& used : asked) seen_.erase(key_of(used));
    for (Waiting* w : asking) w->done(Verdict::unavailable);
    return;
  }
  for (size_t i = 0; i < asking.size(); ++i)
    asking[i]->done(i < fresh.size() && fresh[i] ? Verdict::first_use : Verdict::replayed);
}

}  // namespace tokengate::issuer
