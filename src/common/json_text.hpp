#pragma once
// Appending JSON text straight into a buffer, for the responses on the token path that we build
// without a JSON DOM.
#include <cstdint>
#include <string>
#include <string_view>

namespace tokengate::common {

// Appends `value` as a JSON string literal, quotes included (RFC 8259 §7).
void append_json_string(std::string& out, std::string_view value);
// Appends `"name":` followed by the string literal.
void append_json_member(std::string& out, std::string_view name, std::string_view value);
void append_json_member(std::string& out, std::string_view name, int64_t value);
// For values that cannot need escaping, such as a compact JWS (base64url and dots): no scan.
void append_json_member_verbatim(std::string& out, std::string_view name, std::string_view value);

}  // namespace tokengate::common
