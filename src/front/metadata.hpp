#pragma once
// The authorization server metadata, RFC 8414 §2: what a client pointed at this server discovers.
// The same document in both modes; in proxy mode it names this server, not the upstream.
#include <string>

namespace tokengate::front {

// `status_lists`: whether to name the status list aggregation (issuer mode).
std::string metadata_json(const std::string& issuer, bool status_lists);

}  // namespace tokengate::front
