#pragma once
// One entry of the audit trail: a change of a client or key (by the CLI or the admin API), or a
// failed client authentication. Kept for --audit-retention days.
#include <cstdint>
#include <string>

namespace tokengate::store {

struct AuditRecord {
  int64_t id = 0;        // assigned by the store, increasing
  int64_t at = 0;        // Unix seconds
  std::string actor;     // "cli:USER@HOST", "admin:CLIENT_ID", or "client" for a failed authentication
  std::string action;    // client.create, client.update, ..., key.rotate, key.retire, auth.failure
  std::string target;    // the client ID or kid acted on
  std::string address;   // where the request came from (empty for the CLI: its host is in `actor`)
  std::string detail;    // a JSON object with the specifics (fields changed, counts); never a secret
};

// Which entries to list: newest first, `limit` of them, older than `before_id` when set (paging).
struct AuditQuery {
  std::string target;     // only entries about this client or key
  int64_t since = 0;      // only entries at or after this Unix time
  int64_t before_id = 0;  // 0: from the newest
  int limit = 100;
};

}  // namespace tokengate::store
