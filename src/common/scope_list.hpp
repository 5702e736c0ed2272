#pragma once
// Scope lists: space-separated scope tokens, as in the `scope` parameter (RFC 6749 §3.3) and as
// the store keeps them.
#include <string>
#include <string_view>
#include <vector>

namespace tokengate::common {

std::vector<std::string> split_scopes(std::string_view text);  // splits on spaces, drops empties
std::string join_scopes(const std::vector<std::string>& scopes);
// Whether every scope token in `text` is one of `allowed` (without allocating).
bool scopes_within(std::string_view text, const std::vector<std::string>& allowed);

}  // namespace tokengate::common
