#pragma once
// Scope lists as stored: space-separated, as in the `scope` parameter (RFC 6749 §3.3).
#include <string>
#include <string_view>
#include <vector>

namespace tokengate::store {

std::vector<std::string> split_scopes(std::string_view text);  // splits on spaces, drops empties
std::string join_scopes(const std::vector<std::string>& scopes);

}  // namespace tokengate::store
