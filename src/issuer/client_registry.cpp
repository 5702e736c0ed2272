#include "issuer/client_registry.hpp"

#include <ctime>

#include "common/scope_list.hpp"
#include "common/secret_digest.hpp"
#include "common/token_lifetime.hpp"
#include "issuer/client_secret.hpp"
#include "issuer/identifiers.hpp"
#include "oauth/scope.hpp"

namespace tokengate::issuer {
namespace {

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

void validate(const ClientSpec& spec) {
  if (spec.name.empty() || spec.name.size() > 200)
    throw InvalidClientInput("--name must be 1 to 200 characters");
  for (const auto& token : common::split_scopes(spec.scope)) {
    if (!oauth::is_valid_scope_token(token))
      throw InvalidClientInput("--scope: '" + token + "' is not a valid scope token (RFC 6749 §3.3: printable ASCII "
                               "except space, '\"' and '\\')");
  }
  for (unsigned char c : spec.audience) {
    if (c < 0x21 || c == 0x7F) throw InvalidClientInput("--audience must not contain spaces or control characters");
  }
  if (spec.token_ttl < 0 || spec.token_ttl > common::kMaxTokenLifetime)
    throw InvalidClientInput("--ttl must be from 1 to " + std::to_string(common::kMaxTokenLifetime) +
                             " seconds (31 days), or 0 for the server default");
}

// Every token the client holds now stops being accepted: its generation is revoked (its tokens
// name it, and so do their status lists) and it gets a new one for the tokens to come.
std::vector<store::RevocationRecord> revoke_generation(store::ClientRecord& client, int64_t at) {
  std::vector<store::RevocationRecord> revoked;
  if (!client.generation.empty())
    revoked.push_back({store::RevocationRecord::Kind::generation, client.generation, client.id, at,
                       at + common::kMaxTokenLifetime});
  client.generation = generate_generation();
  return revoked;
}

}  // namespace

CreatedClient create_client(store::Store& store, const ClientSpec& spec) {
  validate(spec);
  CreatedClient created;
  created.secret = generate_client_secret();
  auto& r = created.record;
  r.id = generate_client_id();
  r.name = spec.name;
  r.secret_digest = common::digest_secret(created.secret);
  r.scopes = common::split_scopes(spec.scope);
  r.audience = spec.audience;
  r.token_ttl = spec.token_ttl;
  r.enabled = true;
  r.created_at = r.updated_at = now();
  r.generation = generate_generation();
  store.insert_client(r);
  return created;
}

std::optional<std::string> rotate_client_secret(store::Store& store, const std::string& id, bool revoke_tokens) {
  auto client = store.find_client(id);
  if (!client) return std::nullopt;
  std::string secret = generate_client_secret();
  client->secret_digest = common::digest_secret(secret);
  client->updated_at = now();
  std::vector<store::RevocationRecord> revoked;
  if (revoke_tokens) revoked = revoke_generation(*client, client->updated_at);
  if (!store.update_client(*client, revoked)) return std::nullopt;
  return secret;
}

bool set_client_enabled(store::Store& store, const std::string& id, bool enabled) {
  auto client = store.find_client(id);
  if (!client) return false;
  client->enabled = enabled;
  client->updated_at = now();
  // Disabling also ends the tokens it holds, so that enabling it again does not bring them back.
  std::vector<store::RevocationRecord> revoked;
  if (!enabled) revoked = revoke_generation(*client, client->updated_at);
  return store.update_client(*client, revoked);
}

bool revoke_client_tokens(store::Store& store, const std::string& id) {
  auto client = store.find_client(id);
  if (!client) return false;
  client->updated_at = now();
  auto revoked = revoke_generation(*client, client->updated_at);
  return store.update_client(*client, revoked);
}

bool delete_client(store::Store& store, const std::string& id) {
  auto client = store.find_client(id);
  if (!client) return false;
  auto revoked = revoke_generation(*client, now());
  return store.delete_client(id, revoked);
}

}  // namespace tokengate::issuer
