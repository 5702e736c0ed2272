#include "common/scope_list.hpp"

#include <algorithm>

namespace tokengate::common {

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    if (end > i) out.emplace_back(text.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

bool scopes_within(std::string_view text, const std::vector<std::string>& allowed) {
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view scope = text.substr(i, end - i);
    if (!scope.empty() && std::find(allowed.begin(), allowed.end(), scope) == allowed.end()) return false;
    i = end + 1;
  }
  return true;
}

}  // namespace tokengate::common
