#include "common/duration.hpp"

#include <charconv>

namespace tokengate::common {

std::optional<int64_t> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t unit = 1;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: unit = 0;  // no unit: seconds
  }
  std::string_view digits = unit ? text.substr(0, text.size() - 1) : text;
  if (!unit) unit = 1;
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  int64_t count = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (ec != std::errc() || end != digits.data() + digits.size() || count < 0) return std::nullopt;
  if (count > int64_t{100} * 365 * 86400 / unit) return std::nullopt;  // a century at most
  return count * unit;
}

}  // namespace tokengate::common
