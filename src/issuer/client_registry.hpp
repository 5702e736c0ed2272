#pragma once
// Creating and changing clients in the store, with the checks a user's input needs. Used by the
// CLI, the admin API and the server's first start (the demo client). Every change is written with
// its audit entry (who: `actor`), in one transaction.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "audit/actor.hpp"
#include "limits/quota.hpp"
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
  // private_key_jwt: no secret; the client signs assertions with a key of `jwks` (a JWKS document,
  // public keys only) or of the JWKS at `jwks_uri` (http(s)): exactly one of the two.
  store::ClientRecord::Auth auth = store::ClientRecord::Auth::secret;
  std::string jwks;
  std::string jwks_uri;
  // tls_client_auth: the one name its certificate carries (RFC 8705 §2.1.2).
  // self_signed_tls_client_auth: its certificates' keys in `jwks` (inline only).
  store::ClientRecord::TlsName tls_name{};
  bool certificate_bound = true;  // false: tokens are never bound to its certificate (not for mTLS clients)
  bool require_dpop = false;      // no token without a DPoP proof
  limits::Quota quota{};          // tokens per period across the nodes; none by default
};

struct CreatedClient {
  store::ClientRecord record;
  std::string secret;  // shown once, never stored; empty for a private_key_jwt client
};

// What an update changes: the fields that are set.
struct ClientUpdate {
  std::optional<std::string> name;
  std::optional<std::string> scope;
  std::optional<std::string> audience;
  std::optional<int64_t> token_ttl;
  std::optional<bool> enabled;  // disabling revokes the tokens the client holds
  // A private_key_jwt client's keys, replaced (one of the two: the other is cleared).
  std::optional<std::string> jwks;
  std::optional<std::string> jwks_uri;
  std::optional<store::ClientRecord::TlsName> tls_name;  // a tls_client_auth client's certificate name
  std::optional<bool> certificate_bound;
  std::optional<bool> require_dpop;
  std::optional<limits::Quota> quota;  // a quota of none removes it
};

CreatedClient create_client(store::Store& store, const ClientSpec& spec, const audit::Actor& actor = {});

// Changes name, scopes, audience, token lifetime (tokens already issued keep theirs) or whether it
// is enabled, in one write; taking a scope away or disabling revokes every token the client holds; nullopt if there is no such client. Throws InvalidClientInput as
// create_client does.
std::optional<store::ClientRecord> update_client(store::Store& store, const std::string& id, const ClientUpdate& update,
                                                 const audit::Actor& actor = {});

// Gives the client a new secret and, with `revoke_tokens`, revokes the tokens it holds; nullopt if
// there is no such client. The old secret stops working at once, or, with `grace_seconds`, keeps
// working that long beside the new one (on every node: the end is a time, in the store), so that
// callers can move to the new one without an outage. A client has at most two secrets: a rotation
// during a grace period drops the oldest. Throws InvalidClientInput for a grace over 31 days, and
// for a private_key_jwt client (it has keys, not a secret).
struct RotatedSecret {
  std::string secret;            // the new one, to show once
  int64_t old_secret_until = 0;  // with a grace period: when the old one stops working (Unix seconds)
};
std::optional<RotatedSecret> rotate_client_secret(store::Store& store, const std::string& id, bool revoke_tokens = false,
                                                  const audit::Actor& actor = {}, int64_t grace_seconds = 0);

// Enables or disables; disabling revokes every token the client holds. False if there is no such client.
bool set_client_enabled(store::Store& store, const std::string& id, bool enabled, const audit::Actor& actor = {});

// Revokes every token the client holds now; later tokens are not affected. False if no such client.
bool revoke_client_tokens(store::Store& store, const std::string& id, const audit::Actor& actor = {});

// Deletes the client and revokes every token it holds. False if there is no such client.
bool delete_client(store::Store& store, const std::string& id, const audit::Actor& actor = {});

}  // namespace tokengate::issuer
