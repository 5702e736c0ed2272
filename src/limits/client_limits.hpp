#pragma once
// Abuse limits on the routes where a client authenticates (token, Cells token, introspection,
// revocation), the same in both modes:
//
// - Brute force: after `failures` failed authentications for one client ID from one address within
//   `window`, that pair is refused (429) until the window has passed; after `address_failures` from
//   one address across all client IDs, the address is (ID spraying). The lock is per address: the
//   right client from another address is never locked out by an attacker's failures. Unknown and
//   known client IDs count the same.
// - Rates (off by default): a token bucket per client ID and one per address, for grants.
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
  // Before a grant: refused if a rate is exceeded (each call takes a token when it is not).
  std::optional<Refusal> take_grant(std::string_view address, std::string_view client_id, Clock::time_point now);

  void failed(std::string_view address, std::string_view client_id, Clock::time_point now);
  void succeeded(std::string_view address, std::string_view client_id);

  const LimitSettings& settings() const { return settings_; }
  // Entries held in all tables (for tests and metrics).
  size_t remembered() const;

 private:
  struct Window {
    Clock::time_point start;
    int count = 0;
  };
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
    };
    std::array<Shard, kShards> shards;
    std::atomic<size_t> size{0};
    Shard& shard(std::string_view key) { return shards[std::hash<std::string_view>{}(key) % kShards]; }
  };

  std::optional<Refusal> locked(Table<Window>& table, const std::string& key, int limit, Clock::time_point now,
                                const char* what);
  void count(Table<Window>& table, std::string key, Clock::time_point now);
  std::optional<Refusal> take(Table<Bucket>& table, std::string key, double rate, Clock::time_point now,
                              const char* what);

  LimitSettings settings_;
  Table<Window> pair_failures_;
  Table<Window> address_failures_;
  Table<Bucket> client_buckets_;
  Table<Bucket> address_buckets_;
};

}  // namespace tokengate::limits
