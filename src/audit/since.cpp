#include "audit/since.hpp"

#include <charconv>
#include <ctime>

#include "common/duration.hpp"

namespace tokengate::audit {
namespace {

std::optional<int64_t> number(std::string_view digits) {
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || v < 0) return std::nullopt;
  return v;
}

// YYYY-MM-DD[THH:MM:SSZ], UTC.
std::optional<int64_t> calendar(std::string_view text) {
  if (text.size() != 10 && text.size() != 20) return std::nullopt;
  if (text[4] != '-' || text[7] != '-') return std::nullopt;
  auto year = number(text.substr(0, 4)), month = number(text.substr(5, 2)), day = number(text.substr(8, 2));
  std::optional<int64_t> hour = 0, minute = 0, second = 0;
  if (text.size() == 20) {
    if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') return std::nullopt;
    hour = number(text.substr(11, 2));
    minute = number(text.substr(14, 2));
    second = number(text.substr(17, 2));
  }
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (*year < 1970 || *month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = static_cast<int>(*year - 1900);
  tm.tm_mon = static_cast<int>(*month - 1);
  tm.tm_mday = static_cast<int>(*day);
  tm.tm_hour = static_cast<int>(*hour);
  tm.tm_min = static_cast<int>(*minute);
  tm.tm_sec = static_cast<int>(*second);
  std::time_t t = ::timegm(&tm);
  if (tm.tm_mday != *day) return std::nullopt;  // 2026-02-31 normalised into March
  return static_cast<int64_t>(t);
}

}  // namespace

std::optional<int64_t> parse_since(std::string_view text, int64_t now) {
  if (text.empty()) return std::nullopt;
  if (auto seconds = number(text)) return seconds;
  if (auto t = calendar(text)) return t;
  if (text.back() < '0' || text.back() > '9') {  // an age: a count and a unit
    if (auto age = common::parse_duration(text)) return now - *age;
  }
  return std::nullopt;
}

}  // namespace tokengate::audit
