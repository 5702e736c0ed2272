#pragma once
// Logging: spdlog to stderr. What is logged never includes a secret, a token or a query string;
// handlers log paths and client IDs only.
#include <string>

namespace tokengate::observe {

// `level` is one of trace, debug, info, warn, error, off (validated by config).
void setup_logging(const std::string& level);

}  // namespace tokengate::observe
