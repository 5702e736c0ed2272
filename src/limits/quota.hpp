#pragma once
// A client's token quota: at most `limit` tokens per calendar period (UTC minute, hour, day or
// month), counted across every node that shares the store (limits/quota_leases). Written
// "N/min", "N/h", "N/day", "N/month"; "none" (or empty) is no quota.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tokengate::limits {

enum class QuotaPeriod { none, minute, hour, day, month };

struct Quota {
  int64_t limit = 0;
  QuotaPeriod period = QuotaPeriod::none;
  bool set() const { return period != QuotaPeriod::none; }
  bool operator==(const Quota&) const = default;
};

// "1000/day" → {1000, day}; "none" or "" → no quota; nullopt if malformed (N must be 1 to 10^15).
std::optional<Quota> parse_quota(std::string_view text);
// The canonical text ("1000/day"), "" for no quota.
std::string quota_text(const Quota& quota);
const char* period_name(QuotaPeriod period);  // "min", "h", "day", "month"; "" for none

// The period holding `now` (Unix seconds): [start, end).
struct QuotaWindow {
  int64_t start = 0;
  int64_t end = 0;
};
QuotaWindow quota_window(QuotaPeriod period, int64_t now);

}  // namespace tokengate::limits
