#pragma once
// Where a client authenticates, the abuse limits (limits/ClientLimits) are asked first and told how
// it went: a request from a locked-out address, or over a rate, gets 429 with Retry-After and the
// RateLimit headers; a 401 counts as a failed authentication (and goes to the audit trail), a
// success clears the pair's count. The same for both modes: in proxy mode the upstream's 401
// counts, so a flood of wrong secrets is stopped here instead of being forwarded.
#include <optional>
#include <string_view>

#include "audit/trail_writer.hpp"
#include "http/router.hpp"
#include "limits/client_limits.hpp"

namespace tokengate::front {

struct ClientGate {
  limits::ClientLimits* limits = nullptr;  // null: no limits (unit tests)
  audit::TrailWriter* trail = nullptr;     // null: failures are not audited (proxy mode has no store)

  // nullopt: go on, with `respond` wrapped to learn from the answer. Otherwise the refusal, already sent.
  std::optional<http::Respond> pass(const http::Request& request, std::string_view client_id, bool grant,
                                    http::Respond respond) const;
};

// The 429 for a refusal.
http::Response too_many_requests(const limits::Refusal& refusal);

}  // namespace tokengate::front
