#include "cli/store_options.hpp"

#include <CLI/CLI.hpp>

#include "store/open_store.hpp"

namespace tokengate::cli {

void StoreOptions::add_to(CLI::App& command) {
  command.add_option("--config", config_file, "config file (TOML)");
  command.add_option_function<std::string>(
      "--data-dir", [this](const std::string& v) { flags["data_dir"] = v; }, "data directory of the store");
  command.add_option_function<std::string>(
      "--db", [this](const std::string& v) { flags["db"] = v; }, "store URL (sqlite:PATH or postgresql://...)");
  command.add_option_function<std::string>(
      "--key-encryption-key-file", [this](const std::string& v) { flags["key_encryption_key_file"] = v; },
      "the key-encryption key the server's signing keys are sealed with, if they are");
}

config::Config StoreOptions::load() const { return config::load(config_file, flags); }

std::unique_ptr<store::Store> StoreOptions::open() const { return store::open_store(load()); }

std::unique_ptr<store::Store> StoreOptions::open_existing() const {
  return store::open_store(load(), store::OpenMode::existing);
}

}  // namespace tokengate::cli
