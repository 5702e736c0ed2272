#pragma once
// A length of time as a person writes it: seconds (3600), or a count with a unit (90s, 30m, 24h,
// 7d). At most a century.
#include <cstdint>
#include <optional>
#include <string_view>

namespace tokengate::common {

// Seconds, or nullopt if `text` is none of those forms.
std::optional<int64_t> parse_duration(std::string_view text);

}  // namespace tokengate::common
