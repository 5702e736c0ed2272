#pragma once
// The status line and header section of a response (RFC 9112 §4, §5), written straight into a
// reused buffer: the token path builds no header container and allocates nothing here.
#include <string>

#include "http/response.hpp"

namespace tokengate::http {

// Writes the head for `response` (ending with the empty line) into `out`, replacing its contents.
// `version` is 10 or 11. Header values holding CR or LF are dropped rather than written.
// `request_id`, if not empty, is sent as X-Request-Id.
void write_response_head(const Response& response, unsigned version, bool keep_alive, std::string& out,
                         std::string_view request_id = {});

}  // namespace tokengate::http
