#pragma once
// Unix seconds as an RFC 3339 UTC time: 2026-11-25T13:00:00Z.
#include <cstdint>
#include <string>

namespace tokengate::common {

std::string rfc3339(int64_t unix_seconds);

}  // namespace tokengate::common
