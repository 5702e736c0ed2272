#pragma once
// Reading a JSON object's members as JWT claims, metadata and JWKs are read: a member that is
// absent or of another type reads as empty, never as an error.
#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

namespace tokengate::common {

// The member `name` if it is a string; else empty. A view into `o`.
std::string_view string_member(const boost::json::object& o, std::string_view name);

// `text` parsed, if it is a JSON object; nullopt for anything else (malformed JSON included).
std::optional<boost::json::object> parse_json_object(std::string_view text);

// The member `name` as a NumericDate (RFC 7519 §2: an integer or a number, within ±2^53 s, where a
// date means something and the arithmetic on it stays defined). nullopt if absent, or if present
// but no such number: then `malformed`, if given, is set.
std::optional<int64_t> numeric_date(const boost::json::object& o, std::string_view name, bool* malformed = nullptr);

}  // namespace tokengate::common
