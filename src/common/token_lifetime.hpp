#pragma once
// The longest lifetime any access token can have: the bound on `token_ttl`, on a client's own TTL,
// and so on how long a retired key, a revocation or a status list must be kept.
#include <cstdint>

namespace tokengate::common {

inline constexpr int64_t kMaxTokenLifetime = 31 * 24 * 3600;  // 31 days, in seconds

}  // namespace tokengate::common
