// tokengate store migrate [STORE]: applies the schema migrations this binary knows (a server does so
// at start; this runs them explicitly, e.g. before a rolling upgrade).
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "cli/commands.hpp"
#include "cli/store_options.hpp"
#include "store/open_store.hpp"

namespace tokengate::cli {

void add_store_commands(CLI::App& app, Action& run) {
  static StoreOptions store;
  static bool json = false;
  store = StoreOptions{};  // a fresh command line each time the app is built (cli::run may run more than once)
  json = false;
  CLI::App* group = app.add_subcommand("store", "manage the store itself");
  group->require_subcommand(1);
  CLI::App* migrate = group->add_subcommand("migrate", "bring the store's schema up to this version's");
  store.add_to(*migrate);
  migrate->add_flag("--json", json, "print JSON");
  migrate->callback([&run] {
    run = [] {
      config::Config config = store.load();
      auto opened = store::open_store(config, store::OpenMode::as_is);
      auto [before, after] = opened->migrate();
      if (json)
        std::cout << boost::json::serialize(boost::json::object{{"from", before}, {"to", after}}) << "\n";
      else if (before == after)
        std::cout << "The store " << store::describe_store(config) << " is at schema " << after << "; nothing to do.\n";
      else
        std::cout << "Migrated " << store::describe_store(config) << " from schema " << before << " to " << after << ".\n";
      return 0;
    };
  });
}

}  // namespace tokengate::cli
