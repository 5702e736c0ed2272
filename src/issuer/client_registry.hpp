#pragma once
// Creating and changing clients in the store, with the checks a user's input needs. Used by the
// CLI and by the server's first start (the demo client).
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "store/store.hpp"

namespace tokengate::issuer {

// Input that cannot be a client (bad scope token, empty name, ttl out of range): exit code 2.
struct InvalidClientInput : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct ClientSpec {
  std::string name;
  std::string scope;     // space-separated
  std::string audience;  // empty: the server default
  int64_t token_ttl = 0; // 0: the server default
};

struct CreatedClient {
  store::ClientRecord record;
  std::string secret;  // shown once, never stored
};

CreatedClient create_client(store::Store& store, const ClientSpec& spec);

// Gives the client a new secret (the old one stops working) and, with `revoke_tokens`, revokes the
// tokens it holds; nullopt if there is no such client.
std::optional<std::string> rotate_client_secret(store::Store& store, const std::string& id, bool revoke_tokens = false);

// Enables or disables; disabling revokes every token the client holds. False if there is no such client.
bool set_client_enabled(store::Store& store, const std::string& id, bool enabled);

// Revokes every token the client holds now; later tokens are not affected. False if no such client.
bool revoke_client_tokens(store::Store& store, const std::string& id);

// Deletes the client and revokes every token it holds. False if there is no such client.
bool delete_client(store::Store& store, const std::string& id);

}  // namespace tokengate::issuer
