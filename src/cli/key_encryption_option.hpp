#pragma once
// The key-encryption key a command is configured with (key_encryption_key_file), if any.
#include <optional>

#include "config/config.hpp"
#include "jose/key_encryption.hpp"
#include "store/store.hpp"

namespace tokengate::cli {

// Throws config::ConfigError if the file is configured but unusable.
std::optional<jose::KeyEncryption> load_key_encryption(const config::Config& config);

// Throws std::runtime_error if the store holds sealed keys that `kek` cannot open (none given, or
// the wrong one): a command must not add a key in clear beside them, nor one sealed differently.
// With a KEK, keys still stored in clear (from before the KEK was set) are sealed with it.
void check_key_encryption(store::Store& store, const jose::KeyEncryption* kek);

}  // namespace tokengate::cli
