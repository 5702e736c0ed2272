#pragma once
// Opens the store a configuration names: --db URL, else the SQLite file in --data-dir.
#include <memory>
#include <string>

#include "config/config.hpp"
#include "store/store.hpp"

namespace tokengate::store {

// Where the store lives, for messages: "sqlite:/path/to/tokengate.db".
std::string describe_store(const config::Config& config);

// Creates the data directory (mode 0700) if needed. Throws StoreError if the store cannot be
// opened, config::ConfigError if the URL names a kind of store this build does not have.
std::unique_ptr<Store> open_store(const config::Config& config);

}  // namespace tokengate::store
