#pragma once
// base64url without padding (RFC 4648 §5, as JOSE uses it: RFC 7515 §2) and the standard
// alphabet with padding (RFC 4648 §4, as HTTP Basic uses it: RFC 7617 §2).
#include <optional>
#include <string>
#include <string_view>

namespace tokengate::common {

// Appends the unpadded base64url encoding of `bytes` to `out` (no temporaries).
void base64url_append(std::string& out, std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
std::string base64_encode(std::string_view bytes);  // standard alphabet, '=' padding

// Strict decoders: nullopt on any character outside the alphabet, on impossible lengths and on
// non-zero trailing bits (so every byte string has exactly one accepted encoding).
std::optional<std::string> base64url_decode(std::string_view text);
std::optional<std::string> base64_decode(std::string_view text);  // standard alphabet, '=' padding required

}  // namespace tokengate::common
