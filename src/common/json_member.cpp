#include "common/json_member.hpp"

#include <boost/json/parse.hpp>

namespace tokengate::common {

std::string_view string_member(const boost::json::object& o, std::string_view name) {
  auto it = o.find(name);
  return it != o.end() && it->value().is_string() ? std::string_view(it->value().as_string()) : std::string_view();
}

std::optional<boost::json::object> parse_json_object(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::optional<int64_t> numeric_date(const boost::json::object& o, std::string_view name, bool* malformed) {
  auto it = o.find(name);
  if (it == o.end()) return std::nullopt;
  constexpr double kLimit = 9007199254740992.0;  // 2^53
  const auto& v = it->value();
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(kLimit)) return static_cast<int64_t>(v.as_uint64());
  if (v.is_double() && v.as_double() > -kLimit && v.as_double() < kLimit) return static_cast<int64_t>(v.as_double());
  if (v.is_int64() && v.as_int64() < static_cast<int64_t>(kLimit) && v.as_int64() > -static_cast<int64_t>(kLimit))
    return v.as_int64();
  if (malformed) *malformed = true;
  return std::nullopt;
}

}  // namespace tokengate::common
