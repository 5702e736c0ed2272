#pragma once
// The `scope` parameter (RFC 6749 §3.3): space-delimited scope tokens, each
// 1*( %x21 / %x23-5B / %x5D-7E ).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokengate::oauth {

bool is_valid_scope_token(std::string_view token);

// The scopes to grant: all of `allowed` when nothing is requested (RFC 6749 §3.3 lets the server
// pick a default), else the requested ones, which must each be allowed. Returns nullopt and sets
// `error` when a requested token is malformed or not allowed (-> invalid_scope).
std::optional<std::string> grant_scope(std::optional<std::string_view> requested,
                                       const std::vector<std::string>& allowed, std::string& error);

}  // namespace tokengate::oauth
