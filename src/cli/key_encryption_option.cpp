#include "cli/key_encryption_option.hpp"

#include <spdlog/spdlog.h>

namespace tokengate::cli {

std::optional<jose::KeyEncryption> load_key_encryption(const config::Config& config) {
  if (config.key_encryption_key_file.empty()) return std::nullopt;
  try {
    return jose::KeyEncryption::from_file(config.key_encryption_key_file);
  } catch (const std::runtime_error& e) {
    throw config::ConfigError(e.what());
  }
}

void check_key_encryption(store::Store& store, const jose::KeyEncryption* kek) {
  for (const auto& k : store.list_keys()) {
    if (jose::KeyEncryption::is_sealed(k.private_pem)) {
      jose::private_key_in_clear(k.private_pem, k.kid, kek);  // throws: no KEK, or not this one
    } else if (kek && !k.private_pem.empty()) {
      // A KEK added to a store that had none: the keys stored before are sealed now, not left in
      // clear beside sealed ones.
      if (store.seal_key(k.kid, k.private_pem, kek->seal(k.private_pem, k.kid)))
        spdlog::warn("signing key {} was stored in clear: sealed now with the key-encryption key", k.kid);
    }
  }
}

}  // namespace tokengate::cli
