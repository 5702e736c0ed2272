// tokengate: an OAuth 2.0 token service (see docs/CONTRACT.md). This file only dispatches to cli/.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "issuer/client_registry.hpp"
#include "store/store.hpp"

int main(int argc, char** argv) {
  using namespace tokengate;
  CLI::App app{"tokengate: an OAuth 2.0 token service (client credentials, JWT access tokens)", "tokengate"};
  app.require_subcommand(1);
  cli::Action run;
  cli::add_serve_command(app, run);
  cli::add_client_commands(app, run);
  cli::add_key_commands(app, run);
  cli::add_token_command(app, run);
  cli::add_store_commands(app, run);
  cli::add_audit_commands(app, run);
  app.add_subcommand("version", "print the version")->callback([&run] {
    run = [] {
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
    return run ? run() : 2;
  } catch (const config::ConfigError& e) {
    std::cerr << "tokengate: config: " << e.what() << "\n";
    return 2;
  } catch (const cli::UsageError& e) {
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
