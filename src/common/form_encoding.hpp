#pragma once
// Writing application/x-www-form-urlencoded requests (RFC 6749 Appendix B) and the HTTP Basic
// client authentication of RFC 6749 §2.3.1, for the requests we send: the proxy's upstream calls and
// `tokengate token`.
#include <optional>
#include <string>
#include <string_view>

namespace tokengate::common {

// Percent-encodes everything but the unreserved characters (RFC 3986 §2.3).
std::string form_encode(std::string_view text);

// Appends "&name=value" (no '&' when `form` is empty); nothing when `value` is nullopt.
void append_form_param(std::string& form, std::string_view name, std::optional<std::string_view> value);

// "Basic " + base64(form_encode(id) ":" form_encode(secret)), RFC 6749 §2.3.1 and RFC 7617 §2.
std::string basic_authorization(std::string_view client_id, std::string_view client_secret);

}  // namespace tokengate::common
