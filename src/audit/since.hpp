#pragma once
// The `since` of an audit listing, as a person writes it: Unix seconds (1764072000), a date
// (2026-11-25) or a UTC time (2026-11-25T13:00:00Z), or an age (90s, 30m, 24h, 7d).
#include <cstdint>
#include <optional>
#include <string_view>

namespace tokengate::audit {

// Unix seconds, or nullopt if `text` is none of the forms above.
std::optional<int64_t> parse_since(std::string_view text, int64_t now);

}  // namespace tokengate::audit
