#pragma once
// Token quotas counted across every node that shares the store, with no store access per grant.
//
// A node takes a lease on a slice of a client's remaining allowance for the period, issues from
// it, and renews it ahead of running out (on a thread of its own, all clients' claims in one round
// trip). Each claim reports how many tokens the node has issued and replaces its lease; the store
// hands out no more than the quota has room for, counting the other nodes' reported use and live
// leases. Idle leases are given back; a dead node's lapse after `lease_seconds`.
//
// The bound: while the store answers, the nodes together issue at most the quota. A node that
// dies may have issued up to one lease (at most `max_lease`, and what it issued since its last
// report, which it sends every `report_every` while busy) that the store never heard of: that much
// more may be issued by the others. While the store cannot be reached, a node issues from its
// lease until it lapses, then as if it were alone: the quota less what the others had issued when
// it last heard (`local_only()`); each node may then issue that much.
//
// A grant waits (asynchronously) only when the node holds nothing for the client: its first grant
// in a period, or after a burst outran the renewal.
#include <atomic>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "limits/client_limits.hpp"
#include "limits/quota.hpp"
#include "store/quota_record.hpp"

namespace tokengate::store {
class Store;
}

namespace tokengate::limits {

// Where leases come from: the store, or a fake in tests. May throw (the store is unreachable).
class LeaseSource {
 public:
  virtual ~LeaseSource() = default;
  virtual std::vector<store::QuotaGrant> claim(const std::vector<store::QuotaClaim>& claims, int64_t now,
                                               int64_t lease_seconds) = 0;
};

// The store's leases, in the name of one node (one process: a restarted node is a new one).
class StoreLeaseSource final : public LeaseSource {
 public:
  StoreLeaseSource(store::Store& store, std::string node) : store_(store), node_(std::move(node)) {}
  std::vector<store::QuotaGrant> claim(const std::vector<store::QuotaClaim>& claims, int64_t now,
                                       int64_t lease_seconds) override;

 private:
  store::Store& store_;
  std::string node_;
  int64_t next_purge_ = 0;
};

struct QuotaSettings {
  int64_t max_lease = 1000;  // tokens a node holds at most (and at most a twentieth of the quota)
  int64_t lease_seconds = 10;
  std::chrono::milliseconds report_every{1000};
  size_t max_waiting = 10000;  // grants waiting for a lease, all clients together
};

struct QuotaAnswer {
  enum class Kind {
    issued,          // take the token
    exhausted,       // the period's quota is used up
    held_elsewhere,  // what is left is leased to other nodes just now: retry in a second
    busy,            // too many grants are waiting for leases
  };
  Kind kind = Kind::issued;
  Quota quota{};
  QuotaWindow window{};
};

// The 429 for a refusal (its message names the quota and when it resets; Retry-After and the
// RateLimit fields say the same), at `now` (Unix seconds).
Refusal quota_refusal(const QuotaAnswer& answer, int64_t now);

class QuotaLeases {
 public:
  using Then = std::function<void(const QuotaAnswer&)>;
  using NowMs = std::function<int64_t()>;  // Unix milliseconds
  // The first refusal of a client's period, cluster-wide (the store says which): for the audit trail.
  using Exhausted = std::function<void(const std::string& client_id, const Quota& quota, const QuotaWindow& window)>;

  QuotaLeases(LeaseSource& source, QuotaSettings settings, NowMs now_ms = nullptr);
  ~QuotaLeases();

  // The token path: the answer now, from this node's lease (or, the store away, its own count); or
  // nullopt, and `later` is called once from the lease thread when the store has answered (with no
  // `later`, nothing waits: call again with one).
  std::optional<QuotaAnswer> take(const std::string& client_id, const Quota& quota, Then later);
  // A token taken and not issued after all (the grant failed: a bad scope, a replayed proof): back
  // into the lease.
  void refund(const std::string& client_id);

  // One round with the store: the claims due (waiting grants, leases running low or idle, use to
  // report), answered. What the thread runs; tests call it with a fake clock and source.
  void sync() { sync(false); }
  void start();  // the thread: sync() when woken, and every report_every / 4
  // Stops the thread, then reports what was issued and gives every lease back (a node stopping
  // leaves nothing held for the others to wait out).
  void stop();
  void on_exhausted(Exhausted exhausted) { exhausted_ = std::move(exhausted); }

  // The last claim failed: limits are node-local until one succeeds.
  bool local_only() const { return local_only_.load(std::memory_order_relaxed); }
  uint64_t claims() const { return claims_.load(std::memory_order_relaxed); }   // round trips
  uint64_t refusals() const { return refusals_.load(std::memory_order_relaxed); }
  uint64_t issued() const { return issued_.load(std::memory_order_relaxed); }
  // This node's view of a client's period: issued by all nodes as last heard, plus by this one since.
  struct Use {
    std::string client_id;
    Quota quota;
    int64_t used = 0;
  };
  // The `n` clients nearest their quota (metrics: bounded however many clients have quotas).
  std::vector<Use> nearest_quota(size_t n) const;

 private:
  struct Waiter {
    Then then;
  };
  struct Entry {
    Quota quota;
    QuotaWindow window;
    int64_t used = 0;            // issued by this node in the window
    int64_t held = 0;            // it may issue this many more, until lease_until_ms
    int64_t lease_until_ms = 0;
    int64_t others_used = 0;     // issued by the other nodes, as last heard
    int64_t want = 0;            // the lease size it last asked for
    int64_t demand = 0;          // grants asked since the last claim
    int64_t last_claim_ms = 0;
    int64_t reported = 0;        // `used` as last reported
    int64_t retry_after_ms = 0;  // held elsewhere: answer so until then without asking again
    int64_t last_active_ms = 0;
    bool due = false;            // a claim is wanted at the next round
    bool refused = false;        // refused a grant in this window ...
    bool refusal_told = false;   // ... and the store has been told (it audits the first, cluster-wide)
    bool exhausted = false;      // the store has no room left in this window
    bool in_flight = false;      // in the claim being made
    int64_t sent_used = 0;       // `used` when the claim in flight was made
    std::vector<Waiter> waiters;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };
  static constexpr size_t kShards = 16;
  static constexpr int64_t kOverdueMs = 2000;      // a claim out longer: count locally meanwhile
  static constexpr int64_t kLeaseMarginMs = 3000;  // a lease is given up this long before it lapses
  Shard& shard(const std::string& key) { return shards_[std::hash<std::string>{}(key) % kShards]; }

  // The lease size for a client: two seconds of its demand, at least one, capped.
  int64_t lease_size(const Entry& e, int64_t now_ms) const;
  // Answer from the entry alone (its lease, exhaustion, or the node-local count); nullopt: ask the store.
  std::optional<QuotaAnswer> decide(Entry& e, int64_t now_ms);
  bool renewal_due(const Entry& e, int64_t now_ms) const;
  void sync(bool give_back);
  void wake();
  void run();

  LeaseSource& source_;
  QuotaSettings settings_;
  NowMs now_ms_;
  Exhausted exhausted_;
  std::array<Shard, kShards> shards_;
  std::atomic<size_t> waiting_{0};
  std::atomic<bool> local_only_{false};
  std::atomic<uint64_t> claims_{0}, refusals_{0}, issued_{0};
  std::mutex sync_mutex_;  // one sync at a time
  std::atomic<int64_t> claim_started_ms_{0};  // when the claim out now was sent; 0: none
  std::mutex finals_mutex_;
  std::vector<store::QuotaClaim> finals_;  // past periods' last reports, for the next round


  std::mutex wake_mutex_;
  std::condition_variable wake_cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tokengate::limits
