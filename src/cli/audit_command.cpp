// tokengate audit list [--client ID] [--since TIME] [--limit N] [--json] [STORE]: the audit trail,
// newest first (changes of clients and keys, failed client authentications).
#include <ctime>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "admin/admin_json.hpp"
#include "audit/since.hpp"
#include "cli/commands.hpp"
#include "cli/store_options.hpp"

namespace tokengate::cli {
namespace {

struct AuditArgs {
  StoreOptions store;
  std::string client;
  std::string since;
  int limit = 100;
  bool json = false;
};

// A field for one line of text: control characters (a client ID is whatever a client sent) shown as '?'.
std::string printable(const std::string& s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
  return out.empty() ? "-" : out;
}

}  // namespace

void add_audit_commands(CLI::App& app, Action& run) {
  static AuditArgs args;
  args = AuditArgs{};  // a fresh command line each time the app is built (cli::run may run more than once)
  CLI::App* group = app.add_subcommand("audit", "read the audit trail");
  group->require_subcommand(1);
  CLI::App* list = group->add_subcommand("list", "list audit entries, newest first");
  args.store.add_to(*list);
  list->add_option("--client", args.client, "only entries about this client ID (or kid)");
  list->add_option("--since", args.since, "only entries since TIME: Unix seconds, 2026-11-25, 2026-11-25T13:00:00Z, or an age (30m, 24h, 7d)");
  list->add_option("--limit", args.limit, "at most N entries (1 to 10000, default 100)")->check(CLI::Range(1, 10000));
  list->add_flag("--json", args.json, "print JSON");
  list->callback([&run] {
    run = [] {
      store::AuditQuery query;
      query.target = args.client;
      query.limit = args.limit;
      if (!args.since.empty()) {
        auto since = audit::parse_since(args.since, static_cast<int64_t>(std::time(nullptr)));
        if (!since)
          throw UsageError("--since must be Unix seconds, a date (2026-11-25), a UTC time (2026-11-25T13:00:00Z) or "
                           "an age (30m, 24h, 7d), got '" + args.since + "'");
        query.since = *since;
      }
      auto entries = args.store.open_existing()->list_audit(query);
      if (args.json) {
        boost::json::array out;
        for (const auto& e : entries) out.push_back(admin::audit_json(e));
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
      }
      if (entries.empty()) std::cout << "No audit entries.\n";
      for (const auto& e : entries)
        std::cout << admin::rfc3339(e.at) << "  " << e.action << "  " << printable(e.target) << "  by "
                  << printable(e.actor) << (e.address.empty() ? "" : " from " + printable(e.address)) << "  "
                  << printable(e.detail) << "\n";
      return 0;
    };
  });
}

}  // namespace tokengate::cli
