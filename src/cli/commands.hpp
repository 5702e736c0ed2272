#pragma once
// The command groups of the `tokengate` CLI (docs/CONTRACT.md, "CLI"). Each registers its subcommands on
// the app and, when one of them is chosen, sets `run` to the action; main() runs it and maps
// exceptions to exit codes (2: usage or configuration, 1: everything else).
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tokengate::cli {

using Action = std::function<int()>;

void add_serve_command(CLI::App& app, Action& run);
void add_client_commands(CLI::App& app, Action& run);
void add_key_commands(CLI::App& app, Action& run);
void add_token_command(CLI::App& app, Action& run);
void add_store_commands(CLI::App& app, Action& run);
void add_audit_commands(CLI::App& app, Action& run);
void add_federation_commands(CLI::App& app, Action& run);

// Bad command-line input found after parsing (exit code 2).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The one value of `name`: `given` if the parser took it, else the one argument it left over (a
// value that starts with '-', such as a base64url kid or jti, reads as an unknown option).
std::string single_value(const std::string& name, const std::string& given, const std::vector<std::string>& leftover);

}  // namespace tokengate::cli
