#pragma once
// STORE = --data-dir DIR | --db URL | --config FILE: the options that say which store the
// `client` and `key` commands work on (the same one a running server uses).
#include <map>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "store/store.hpp"

namespace CLI {
class App;
}

namespace tokengate::cli {

struct StoreOptions {
  std::string config_file;
  std::map<std::string, std::string> flags;

  void add_to(CLI::App& command);
  config::Config load() const;
  // The store, created if there is none yet (for commands that add something).
  std::unique_ptr<store::Store> open() const;
  // The store, which must exist (for commands that read or change what is there): a typo in
  // --data-dir is an error, not a new empty store.
  std::unique_ptr<store::Store> open_existing() const;
};

}  // namespace tokengate::cli
