#pragma once
// Abuse limits on the routes where a client authenticates (token, Cells token, introspection,
// revocation), the same in both modes:
//
// - Brute force: after `failures` failed authentications for one client ID from one address within
//   `window`, that pair is refused (429) until the window has passed; after `address_failures` from
//   one address across all client IDs, the address is (ID spraying). The lock is per address: the
//   right client from another address is never locked out by an attacker's failures. Unknown and
//   known client IDs count the same.
// - Rates (off by default): a token bucket per address, charged before authentication, and one per
//   client ID, charged only once the client has authenticated (so nobody who merely knows a
//   client's ID can spend its rate).
// - Where authentication takes a round trip (proxy mode, the upstream decides), each request in
//   flight holds a failure slot (`reserve`): failures counted plus requests in flight never exceed
//   the limit, however many guesses arrive at once; a pair whose last answer was a success may have
//   ten times as many in flight until one fails (a busy client keeps its concurrency).
//
// Across nodes (limits/shared_limits, with PostgreSQL): the failures each node counts are added up
// in the store every quarter second, and a key counts as many failures as all nodes together saw
// (`merge_failures`), so guesses spread over the nodes are locked out at the count one node would
// lock them out at. The per-second rates are split evenly among the live nodes (`set_rate_share`).
//
// Memory is bounded whatever an attacker sends: each table holds `capacity` entries at most, the
// oldest windows forgotten first. Sharded, so threads rarely meet on a lock; and while no failure
// is remembered and no rate is set, a check costs one atomic load.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/failure_record.hpp"

namespace tokengate::limits {

struct LimitSettings {
  int failures = 10;                         // per (address, client ID) in a window; 0: off
  int address_failures = 100;                // per address, across client IDs; 0: off
  std::chrono::seconds window{60};
  double client_rate = 0;                    // grants per second per client ID; 0: off
  double address_rate = 0;                   // grants per second per address; 0: off
  size_t capacity = 100000;                  // entries per table at most
};

// Why a request is refused, and when to come back.
struct Refusal {
  std::string message;
  std::chrono::seconds retry_after;
  std::string policy;  // RateLimit-Policy (IETF httpapi ratelimit-headers draft)
  std::string state;   // RateLimit
};

class ClientLimits {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ClientLimits(LimitSettings settings);

  // Before authentication: refused if the pair or the address is locked out.
  std::optional<Refusal> check_failures(std::string_view address, std::string_view client_id, Clock::time_point now);
  // The same, and a failure slot of the pair and of the address held until release(): refused when
  // failures and requests in flight together reach a limit. A pair whose last answer was a success
  // may have kKnownGoodFactor times its limit in flight, and spends no slot of the address.
  struct Reservation {
    bool pair = false;
    bool address = false;
  };
  static constexpr int kKnownGoodFactor = 10;
  std::optional<Refusal> reserve(std::string_view address, std::string_view client_id, Clock::time_point now,
                                 Reservation& held);
  // Gives back what reserve() held; after failed() or succeeded() for the same answer, so that no
  // other request takes the slot before the failure is counted.
  void release(std::string_view address, std::string_view client_id, const Reservation& held);
  // Before a grant, unauthenticated: refused if the address's rate is exceeded (takes a token if not).
  std::optional<Refusal> take_address_grant(std::string_view address, Clock::time_point now);
  // Once the client has authenticated: refused if its rate is exceeded (takes a token if not).
  std::optional<Refusal> take_client_grant(std::string_view client_id, Clock::time_point now);
  bool limits_client_rate() const { return settings_.client_rate > 0; }

  // A failed authentication; true if it is the one that locked the pair or the address out.
  bool failed(std::string_view address, std::string_view client_id, Clock::time_point now);
  // A successful authentication: the pair's count is cleared. With `remember` (reserving mode) the
  // pair is kept as known good: its requests in flight are not capped until one of them fails, so
  // a busy client is not held back by the slots its own requests hold.
  void succeeded(std::string_view address, std::string_view client_id, bool remember = false);

  // Sharing with the other nodes (limits/shared_limits): from now on failures are also kept to be
  // told (drain_failures) and the counts heard back (merge_failures) count too.
  void enable_sharing() { sharing_.store(true, std::memory_order_relaxed); }
  std::vector<store::FailureDelta> drain_failures();
  void merge_failures(const std::vector<store::SharedFailure>& counts, int64_t now_unix, Clock::time_point now);
  // This node's share of the per-second rates (1 / the live nodes).
  void set_rate_share(double share) { rate_share_.store(share, std::memory_order_relaxed); }

  const LimitSettings& settings() const { return settings_; }
  // Entries held in all tables (for tests and metrics).
  size_t remembered() const;

 private:
  struct Window {
    Clock::time_point start;
    int count = 0;
    int in_flight = 0;     // reserved slots
    bool known_good = false;  // its last answer was a success, none failed since (reserving mode)
    int shared = 0;           // all nodes' failures, as the store last said ...
    Clock::time_point shared_end{};  // ... in a window that ends then
    int unshared = 0;         // failures counted here and not yet told
  };
  // The failures a window counts: its own while it runs, or all nodes' while theirs runs (with
  // those not yet told), whichever is more.
  int effective(const Window& w, Clock::time_point now) const {
    int own = now < w.start + settings_.window ? w.count : 0;
    return std::max(own, (now < w.shared_end ? w.shared : 0) + w.unshared);
  }
  struct Bucket {
    Clock::time_point at;
    double tokens = 0;
  };
  template <class Entry>
  struct Table {
    static constexpr size_t kShards = 16;
    struct Shard {
      std::mutex mutex;
      std::unordered_map<std::string, Entry> entries;
      std::vector<std::string> dirty;  // keys with failures not yet told (sharing)
    };
    std::array<Shard, kShards> shards;
    std::atomic<size_t> size{0};
    Shard& shard(std::string_view key) { return shards[std::hash<std::string_view>{}(key) % kShards]; }
  };

  std::optional<Refusal> locked(Table<Window>& table, const std::string& key, int limit, Clock::time_point now,
                                const char* what);
  // The window of `key`, made if there is none (the table kept within capacity); shard lock held.
  Window& window_of(Table<Window>& table, typename Table<Window>::Shard& shard, std::string key, Clock::time_point now);
  int count(Table<Window>& table, std::string key, Clock::time_point now);
  std::optional<Refusal> hold(Table<Window>& table, std::string key, int limit, Clock::time_point now, const char* what,
                              bool* known_good = nullptr);
  void unhold(Table<Window>& table, const std::string& key);
  Refusal locked_out(const Window& w, int limit, Clock::time_point now, const char* what) const;
  std::optional<Refusal> take(Table<Bucket>& table, std::string key, double rate, Clock::time_point now,
                              const char* what);

  void drain(Table<Window>& table, const char* prefix, std::vector<store::FailureDelta>& out);
  // The tables' keys: the text itself, or (sharing) its digest.
  std::string key_of(std::string raw) const;
  std::string pair_key(std::string_view address, std::string_view client_id) const;
  std::string address_key(std::string_view address) const;

  LimitSettings settings_;
  std::atomic<bool> sharing_{false};
  std::atomic<double> rate_share_{1.0};
  Table<Window> pair_failures_;
  Table<Window> address_failures_;
  Table<Bucket> client_buckets_;
  Table<Bucket> address_buckets_;
};

}  // namespace tokengate::limits
