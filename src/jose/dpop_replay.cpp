#include "jose/dpop_replay.hpp"

namespace tokengate::jose {

bool DpopReplay::first_use(std::string_view jkt, std::string_view jti, int64_t forget_after, int64_t now) {
  std::string key;
  key.reserve(jkt.size() + 1 + jti.size());
  key.append(jkt).append(1, ' ').append(jti);
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  // The expired go every 10 s, and when the shard is full at most once a second: a full table of
  // live proofs costs no scan per request.
  if (now >= shard.next_purge || (shard.seen.size() >= shard_capacity_ && now > shard.last_purge)) {
    std::erase_if(shard.seen, [now](const auto& entry) { return entry.second < now; });
    shard.next_purge = now + 10;
    shard.last_purge = now;
  }
  auto it = shard.seen.find(key);
  if (it != shard.seen.end() && it->second >= now) return false;
  if (it == shard.seen.end() && shard.seen.size() >= shard_capacity_) return false;  // full of live proofs
  shard.seen[std::move(key)] = forget_after;
  return true;
}

}  // namespace tokengate::jose
