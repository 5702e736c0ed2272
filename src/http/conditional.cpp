#include "http/conditional.hpp"

#include "common/ascii.hpp"

namespace tokengate::http {
namespace {

using common::trim_ows;

std::string_view opaque(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

}  // namespace

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  std::string_view header = trim_ows(if_none_match);
  if (header.empty() || etag.empty()) return false;
  if (header == "*") return true;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view tag = trim_ows(header.substr(0, comma));
    if (!tag.empty() && opaque(tag) == opaque(etag)) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace tokengate::http
