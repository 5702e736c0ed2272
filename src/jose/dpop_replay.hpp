#pragma once
// Each DPoP proof once (RFC 9449 §11.1), on this node: (key thumbprint, jti) remembered for as long
// as a proof's iat is accepted. Shared by the event loops under one mutex (the DPoP path only),
// bounded: past `max_entries` the expired go first, and a proof that still finds no room is refused
// as a replay would be (the client signs a new one).
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tokengate::jose {

class DpopReplay {
 public:
  explicit DpopReplay(size_t max_entries = 200000) : max_entries_(max_entries) {}

  // True the first time (jkt, jti) is seen before `forget_after` (Unix seconds); false after.
  bool first_use(std::string_view jkt, std::string_view jti, int64_t forget_after, int64_t now);

 private:
  const size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, int64_t> seen_;  // "jkt jti" → forget after
  int64_t next_purge_ = 0;
  int64_t last_purge_ = 0;
};

}  // namespace tokengate::jose
