#include "oauth/scope.hpp"

#include <algorithm>

#include "common/scope_list.hpp"

namespace tokengate::oauth {

bool is_valid_scope_token(std::string_view token) {
  if (token.empty()) return false;
  return std::all_of(token.begin(), token.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
  });
}

std::optional<std::string> grant_scope(std::optional<std::string_view> requested,
                                       const std::vector<std::string>& allowed, std::string& error) {
  if (!requested) return common::join_scopes(allowed);
  std::vector<std::string> granted;
  for (auto& token : common::split_scopes(*requested)) {
    if (!is_valid_scope_token(token)) {
      error = "The scope contains a character that RFC 6749 §3.3 does not allow in a scope token.";
      return std::nullopt;
    }
    if (std::find(allowed.begin(), allowed.end(), token) == allowed.end()) {
      error = "The scope '" + token + "' is not granted to this client.";
      return std::nullopt;
    }
    if (std::find(granted.begin(), granted.end(), token) == granted.end()) granted.push_back(std::move(token));
  }
  return common::join_scopes(granted);
}

}  // namespace tokengate::oauth
