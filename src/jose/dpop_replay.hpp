#pragma once
// Each DPoP proof once (RFC 9449 §11.1), on this node: (key thumbprint, jti) remembered for as long
// as a proof's iat is accepted. Shared by the event loops in shards, each under its own mutex (no
// lock the whole node waits on), bounded: past `max_entries` the expired go first, and a proof
// that still finds no room is refused as a replay would be (the client signs a new one).
#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tokengate::jose {

class DpopReplay {
 public:
  explicit DpopReplay(size_t max_entries = 200000) : shard_capacity_(max_entries / kShards + 1) {}

  // True the first time (jkt, jti) is seen before `forget_after` (Unix seconds); false after.
  bool first_use(std::string_view jkt, std::string_view jti, int64_t forget_after, int64_t now);

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, int64_t> seen;  // "jkt jti" → forget after
    int64_t next_purge = 0;
    int64_t last_purge = 0;
  };
  const size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace tokengate::jose
