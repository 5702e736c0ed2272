#include "jose/dpop_replay.hpp"

namespace tokengate::jose {

bool DpopReplay::first_use(std::string_view jkt, std::string_view jti, int64_t forget_after, int64_t now) {
  std::string key;
  key.reserve(jkt.size() + 1 + jti.size());
  key.append(jkt).append(1, ' ').append(jti);
  std::lock_guard lock(mutex_);
  // The expired go every 10 s, and when the table is full at most once a second: a full table of
  // live proofs costs no scan per request.
  if (now >= next_purge_ || (seen_.size() >= max_entries_ && now > last_purge_)) {
    std::erase_if(seen_, [now](const auto& entry) { return entry.second < now; });
    next_purge_ = now + 10;
    last_purge_ = now;
  }
  auto it = seen_.find(key);
  if (it != seen_.end() && it->second >= now) return false;
  if (it == seen_.end() && seen_.size() >= max_entries_) return false;  // full of live proofs
  seen_[std::move(key)] = forget_after;
  return true;
}

}  // namespace tokengate::jose
