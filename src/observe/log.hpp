#pragma once
// Logging: spdlog to stderr, as text or as JSON lines (--log-format). A line written while a
// request is handled carries its request id, route and client ID (observe/request_context). What
// is logged never includes a secret, a token or a query string; handlers log routes and client IDs.
#include <string>

namespace tokengate::observe {

// `level`: trace, debug, info, warn, error or off; `format`: text or json (validated by config).
void setup_logging(const std::string& level, const std::string& format = "text");

}  // namespace tokengate::observe
