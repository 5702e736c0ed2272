#include "limits/quota.hpp"

#include <charconv>
#include <ctime>

namespace tokengate::limits {

std::optional<Quota> parse_quota(std::string_view text) {
  if (text.empty() || text == "none") return Quota{};
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  int64_t limit = 0;
  auto digits = text.substr(0, slash);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), limit);
  if (ec != std::errc() || end != digits.data() + digits.size() || limit < 1 || limit > 1'000'000'000'000'000)
    return std::nullopt;
  std::string_view unit = text.substr(slash + 1);
  QuotaPeriod period;
  if (unit == "min" || unit == "minute") period = QuotaPeriod::minute;
  else if (unit == "h" || unit == "hour") period = QuotaPeriod::hour;
  else if (unit == "day" || unit == "d") period = QuotaPeriod::day;
  else if (unit == "month") period = QuotaPeriod::month;
  else return std::nullopt;
  return Quota{limit, period};
}

const char* period_name(QuotaPeriod period) {
  switch (period) {
    case QuotaPeriod::minute: return "min";
    case QuotaPeriod::hour: return "h";
    case QuotaPeriod::day: return "day";
    case QuotaPeriod::month: return "month";
    case QuotaPeriod::none: break;
  }
  return "";
}

std::string quota_text(const Quota& quota) {
  if (!quota.set()) return "";
  return std::to_string(quota.limit) + "/" + period_name(quota.period);
}

QuotaWindow quota_window(QuotaPeriod period, int64_t now) {
  auto fixed = [now](int64_t length) {
    int64_t start = now - ((now % length) + length) % length;
    return QuotaWindow{start, start + length};
  };
  switch (period) {
    case QuotaPeriod::minute: return fixed(60);
    case QuotaPeriod::hour: return fixed(3600);
    case QuotaPeriod::day: return fixed(86400);
    case QuotaPeriod::month: {
      std::time_t t = static_cast<std::time_t>(now);
      std::tm tm{};
      gmtime_r(&t, &tm);
      std::tm first{};
      first.tm_year = tm.tm_year;
      first.tm_mon = tm.tm_mon;
      first.tm_mday = 1;
      std::tm next = first;
      if (++next.tm_mon == 12) {
        next.tm_mon = 0;
        ++next.tm_year;
      }
      return QuotaWindow{static_cast<int64_t>(timegm(&first)), static_cast<int64_t>(timegm(&next))};
    }
    case QuotaPeriod::none: break;
  }
  return QuotaWindow{};
}

}  // namespace tokengate::limits
