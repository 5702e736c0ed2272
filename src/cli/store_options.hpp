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
  std::unique_ptr<store::Store> open() const;
};

}  // namespace tokengate::cli
