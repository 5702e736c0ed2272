#pragma once
// Client input quoted back in an error message: valid UTF-8 whatever was sent (a strict JSON
// client must be able to read every error), and never more than a short prefix of it.
#include <cstddef>
#include <string>
#include <string_view>

namespace tokengate::common {

// `text` with each byte that is not part of a valid UTF-8 sequence replaced by U+FFFD and control
// characters by '?', cut to `max_chars` characters (then ending in "…").
std::string safe_echo(std::string_view text, size_t max_chars = 48);

// The same without the cut: every invalid byte replaced, for text that must be valid UTF-8.
std::string valid_utf8(std::string_view text);

}  // namespace tokengate::common
