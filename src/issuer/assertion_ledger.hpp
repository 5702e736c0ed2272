#pragma once
// Single use of client assertions on every node (RFC 7523 §3 item 7): each verified assertion's
// (client, jti) is written to the store, which refuses one it holds already, whichever node wrote
// it. The writes run on a thread of their own, and whatever arrived while the last write ran goes
// in the next one (one transaction, one round trip to PostgreSQL per batch), so that the event
// loops never wait on the store and a burst of assertion grants costs few round trips. A (client,
// jti) seen on this node is refused before the store is asked.
//
// If the store cannot be written, the answer is `unavailable`: an assertion cannot be shown unused
// on the other nodes, so it is not taken (a secret-authenticated grant needs no store and goes on).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "store/store.hpp"

namespace tokengate::issuer {

class AssertionLedger {
 public:
  enum class Verdict { first_use, replayed, unavailable, busy };
  using Done = std::function<void(Verdict)>;

  explicit AssertionLedger(store::Store& store, size_t max_waiting = 10000);
  ~AssertionLedger();

  // Records `used`; calls `done` once, on the ledger's thread (`busy`: too many are waiting, at
  // once, on the caller's).
  void record(store::UsedAssertion used, Done done);

  uint64_t store_writes() const;  // batches written: what the replay check cost in round trips

 private:
  struct Waiting {
    store::UsedAssertion used;
    Done done;
  };
  void run();
  void write(std::deque<Waiting>& batch);

  store::Store& store_;
  const size_t max_waiting_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Waiting> waiting_;
  bool stopping_ = false;
  uint64_t writes_ = 0;
  // Only the ledger's thread touches these.
  std::unordered_map<std::string, int64_t> seen_;  // "client\njti" → expires_at
  int64_t next_purge_ = 0;
  std::thread thread_;
};

}  // namespace tokengate::issuer
