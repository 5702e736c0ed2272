#pragma once
// Opens the store a configuration names: --db URL, else the SQLite file in --data-dir.
#include <memory>
#include <string>

#include "config/config.hpp"
#include "store/store.hpp"

namespace tokengate::store {

// Where the store lives, for messages: "sqlite:/path/to/tokengate.db", or the PostgreSQL URI
// without its password.
std::string describe_store(const config::Config& config);

// Whether several nodes may share the store (PostgreSQL), so that they must share their limits.
bool shared_by_nodes(const config::Config& config);

enum class OpenMode {
  create,    // a new, empty store if there is none (the server; commands that add something)
  existing,  // StoreError if there is none: a command that only reads or changes what is there
             // (PostgreSQL: the schema must be there and current; nothing is migrated)
  as_is,     // open, migrate nothing, check nothing: for `store migrate`, which reports what it does
};

// Creates the data directory (mode 0700) if needed. Throws StoreError if the store cannot be
// opened, config::ConfigError if the URL names a kind of store this build does not have.
std::unique_ptr<Store> open_store(const config::Config& config, OpenMode mode = OpenMode::create);

}  // namespace tokengate::store
