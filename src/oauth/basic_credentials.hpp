#pragma once
// The HTTP Basic Authorization header as RFC 6749 §2.3.1 uses it for client_secret_basic:
// base64(urlencode(client_id) ":" urlencode(client_secret)) (RFC 7617 §2).
#include <optional>
#include <string>
#include <string_view>

namespace tokengate::oauth {

struct BasicCredentials {
  std::string id;
  std::string secret;
};

enum class BasicParse { ok, not_basic, malformed };

// Parses `header`. not_basic: another scheme (e.g. Bearer). malformed: Basic, but the base64, the
// colon or the percent-encoding is wrong; `error` then says which.
BasicParse parse_basic_authorization(std::string_view header, BasicCredentials& out, std::string& error);

}  // namespace tokengate::oauth
