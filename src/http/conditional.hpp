#pragma once
// Conditional GETs (RFC 9110 §13.1.2): whether an If-None-Match header matches our entity tag.
#include <string_view>

namespace tokengate::http {

// True if `if_none_match` is "*" or lists a tag equal to `etag` under the weak comparison
// (RFC 9110 §8.8.3.2: W/ prefixes ignored). An empty header matches nothing.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace tokengate::http
