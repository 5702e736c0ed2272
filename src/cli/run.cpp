#include "cli/run.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "issuer/client_registry.hpp"
#include "store/store.hpp"

namespace tokengate::cli {

int run(int argc, const char* const* argv) {
  CLI::App app{"tokengate: an OAuth 2.0 token service (client credentials, JWT access tokens)", "tokengate"};
  app.require_subcommand(1);
  Action action;
  add_serve_command(app, action);
  add_client_commands(app, action);
  add_key_commands(app, action);
  add_token_command(app, action);
  add_store_commands(app, action);
  add_audit_commands(app, action);
  add_federation_commands(app, action);
  app.add_subcommand("version", "print the version")->callback([&action] {
    action = [] {
      std::cout << "tokengate " << TOKENGATE_VERSION << "\n";
      return 0;
    };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    return action ? action() : 2;
  } catch (const config::ConfigError& e) {
    std::cerr << "tokengate: config: " << e.what() << "\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "tokengate: " << e.what() << "\n";
    return 2;
  } catch (const issuer::InvalidClientInput& e) {
    std::cerr << "tokengate: " << e.what() << "\n";
    return 2;
  } catch (const store::StoreError& e) {
    std::cerr << "tokengate: store: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "tokengate: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace tokengate::cli
