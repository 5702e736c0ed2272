#pragma once
// Who makes a change the audit trail records, and the entry that records it.
#include <string>

#include "store/audit_record.hpp"

namespace tokengate::audit {

struct Actor {
  std::string name;     // "cli:USER@HOST", "admin:CLIENT_ID", "server"
  std::string address;  // the request's address (admin API); empty for the CLI
};

// The CLI's user and host: "cli:alice@build-7".
Actor cli_actor();
// The server acting on its own (the demo client at first start).
Actor server_actor();

// An entry dated now. `detail` is a JSON object's text ("" for none); it never holds a secret.
store::AuditRecord entry(const Actor& actor, std::string action, std::string target, std::string detail = "");

}  // namespace tokengate::audit
