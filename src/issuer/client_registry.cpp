#include "issuer/client_registry.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <ctime>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/scope_list.hpp"
#include "common/secret_digest.hpp"
#include "common/token_lifetime.hpp"
#include "common/base64url.hpp"
#include "common/sha256.hpp"
#include "issuer/client_keys.hpp"
#include "issuer/client_secret.hpp"
#include "issuer/identifiers.hpp"
#include "oauth/scope.hpp"

namespace tokengate::issuer {
namespace {

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

// The form a certificate's IP address is compared in: inet_ntop's (2001:db8::1, not 2001:DB8:0::1).
std::string canonical_ip(const std::string& text) {
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN] = {};
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return inet_ntop(AF_INET, bytes, out, sizeof out) ? out : "";
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) return inet_ntop(AF_INET6, bytes, out, sizeof out) ? out : "";
  return {};
}

// A registered name in the form a certificate's is printed in: an IP address as inet_ntop writes
// it; a DN without the spaces people put after its separators ("CN=a, O=b" is OpenSSL's "CN=a,O=b").
store::ClientRecord::TlsName canonical_name(store::ClientRecord::TlsName name) {
  using K = store::ClientRecord::TlsNameKind;
  if (name.kind == K::san_ip) {
    if (std::string ip = canonical_ip(name.value); !ip.empty()) name.value = std::move(ip);
  } else if (name.kind == K::subject_dn) {
    std::string dn;
    for (size_t i = 0; i < name.value.size(); ++i) {
      char ch = name.value[i];
      dn += ch;
      if (ch == '\\' && i + 1 < name.value.size()) {  // an escaped character stays as it is
        dn += name.value[++i];
        continue;
      }
      if (ch == ',' || ch == '+')
        while (i + 1 < name.value.size() && name.value[i + 1] == ' ') ++i;
    }
    name.value = std::move(dn);
  }
  return name;
}

void validate(const ClientSpec& spec) {
  if (spec.name.empty() || spec.name.size() > 200)
    throw InvalidClientInput("name must be 1 to 200 bytes long");
  for (const auto& token : common::split_scopes(spec.scope)) {
    if (!oauth::is_valid_scope_token(token))
      throw InvalidClientInput("scope: '" + token + "' is not a valid scope token (RFC 6749 §3.3: printable ASCII "
                               "except space, '\"' and '\\')");
  }
  for (unsigned char c : spec.audience) {
    if (c < 0x21 || c == 0x7F) throw InvalidClientInput("audience must not contain spaces or control characters");
  }
  if (spec.token_ttl < 0 || spec.token_ttl > common::kMaxTokenLifetime)
    throw InvalidClientInput("the token lifetime (--ttl, token_ttl) must be from 1 to " + std::to_string(common::kMaxTokenLifetime) +
                             " seconds (31 days), or 0 for the server default");
  using Auth = store::ClientRecord::Auth;
  if (spec.tls_name.kind != store::ClientRecord::TlsNameKind::none && spec.auth != Auth::tls_client_auth)
    throw InvalidClientInput("a certificate name (--tls-subject-dn, --tls-san-*) is for a client that authenticates "
                             "with a CA-issued certificate (--auth tls_client_auth)");
  if (!spec.certificate_bound && spec.auth != Auth::secret && spec.auth != Auth::private_key_jwt)
    throw InvalidClientInput("a client that authenticates with its certificate always gets tokens bound to it "
                             "(RFC 8705 §3); it cannot opt out");
  switch (spec.auth) {
    case Auth::secret:
      if (!spec.jwks.empty() || !spec.jwks_uri.empty())
        throw InvalidClientInput("keys (--jwks, --jwks-uri) are for a client that authenticates with private_key_jwt "
                                 "(--auth private_key_jwt) or a self-signed certificate");
      return;
    case Auth::tls_client_auth:
      if (!spec.jwks.empty() || !spec.jwks_uri.empty())
        throw InvalidClientInput("a tls_client_auth client is known by its certificate's name, not by keys; for a "
                                 "self-signed certificate use --auth self_signed_tls_client_auth");
      if (spec.tls_name.kind == store::ClientRecord::TlsNameKind::none || spec.tls_name.value.empty())
        throw InvalidClientInput("a tls_client_auth client needs the one name its certificate carries: its subject DN "
                                 "(--tls-subject-dn) or one subjectAltName (--tls-san-dns, --tls-san-uri, "
                                 "--tls-san-ip, --tls-san-email) (RFC 8705 §2.1.2)");
      if (spec.tls_name.value.size() > 1024) throw InvalidClientInput("the certificate name is longer than 1 KiB");
      if (spec.tls_name.kind == store::ClientRecord::TlsNameKind::san_ip && canonical_ip(spec.tls_name.value).empty())
        throw InvalidClientInput("--tls-san-ip (tls_client_auth_san_ip) must be an IPv4 or IPv6 address, got '" +
                                 spec.tls_name.value + "'");
      return;
    case Auth::self_signed_tls_client_auth:
      if (!spec.jwks_uri.empty() || spec.jwks.empty())
        throw InvalidClientInput("a self_signed_tls_client_auth client registers its certificate (--certificate FILE) "
                                 "or its keys inline (--jwks FILE, jwks); a jwks_uri is not taken for it");
      break;
    case Auth::private_key_jwt:
      if (spec.jwks.empty() == spec.jwks_uri.empty())
        throw InvalidClientInput("a private_key_jwt client needs its public keys: either a JWKS (--jwks FILE, jwks) or "
                                 "the URL where it publishes them (--jwks-uri URL, jwks_uri), not both");
      break;
  }
  if (!spec.jwks.empty()) {
    if (spec.jwks.size() > 64 * 1024) throw InvalidClientInput("the JWKS is larger than 64 KiB");
    if (std::string problem = jwks_problem(spec.jwks); !problem.empty()) throw InvalidClientInput("jwks: " + problem);
  }
  if (!spec.jwks_uri.empty()) {
    if (std::string problem = keys_url_problem(spec.jwks_uri); !problem.empty())
      throw InvalidClientInput("jwks_uri " + problem);
  }
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

// What the audit entry says about a client: its settings, never its secret.
std::string settings_json(const store::ClientRecord& c) {
  boost::json::object o{{"name", c.name},
                        {"scope", common::join_scopes(c.scopes)},
                        {"audience", c.audience},
                        {"token_ttl", c.token_ttl}};
  if (c.tls_name.kind != store::ClientRecord::TlsNameKind::none) o[store::tls_name_member(c.tls_name.kind)] = c.tls_name.value;
  if (!c.certificate_bound) o["tls_client_certificate_bound_access_tokens"] = false;
  if (c.require_dpop) o["dpop_bound_access_tokens"] = true;
  if (c.quota.set()) o["quota"] = limits::quota_text(c.quota);
  if (c.auth != store::ClientRecord::Auth::secret) {
    o["auth"] = store::auth_name(c.auth);
    if (!c.jwks_uri.empty()) o["jwks_uri"] = c.jwks_uri;
    else if (!c.jwks.empty()) {
      auto digest = common::sha256(c.jwks);  // which keys, in short
      o["jwks_sha256"] = common::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
    }
  }
  return boost::json::serialize(o);
}

// Reads the client, changes it (`change` fills the revocations and the audit entry) and writes it
// back only if no revocation was written meanwhile (its generation is the one read); else again.
// Without this, two overlapping edits could write back a generation a third had revoked, and the
// tokens it ended would come back.
template <class Change>
std::optional<store::ClientRecord> read_change_write(store::Store& store, const std::string& id, Change change) {
  for (int attempt = 0;; ++attempt) {
    auto client = store.find_client(id);
    if (!client) return std::nullopt;
    std::string read_generation = client->generation;
    std::vector<store::RevocationRecord> revoked;
    auto audit = change(*client, revoked);
    try {
      if (!store.update_client(*client, revoked, &audit, &read_generation)) return std::nullopt;
      return client;
    } catch (const store::ConcurrentChange&) {
      if (attempt == 4) throw;
    }
  }
}

}  // namespace

CreatedClient create_client(store::Store& store, const ClientSpec& spec, const audit::Actor& actor) {
  validate(spec);
  CreatedClient created;
  created.secret = generate_client_secret();
  auto& r = created.record;
  r.id = generate_client_id();
  r.name = spec.name;
  r.secret_digest = common::digest_secret(created.secret);
  r.auth = spec.auth;
  r.jwks = spec.jwks;
  r.jwks_uri = spec.jwks_uri;
  r.tls_name = canonical_name(spec.tls_name);
  r.certificate_bound = spec.certificate_bound;
  r.require_dpop = spec.require_dpop;
  r.quota = spec.quota;
  if (r.auth != store::ClientRecord::Auth::secret) created.secret.clear();  // its digest matches nothing given out
  r.scopes = common::split_scopes(spec.scope);
  r.audience = spec.audience;
  r.token_ttl = spec.token_ttl;
  r.enabled = true;
  r.created_at = r.updated_at = now();
  r.generation = generate_generation();
  auto audit = audit::entry(actor, "client.create", r.id, settings_json(r));
  store.insert_client(r, &audit);
  return created;
}

std::optional<store::ClientRecord> update_client(store::Store& store, const std::string& id, const ClientUpdate& update,
                                                 const audit::Actor& actor) {
  return read_change_write(store, id, [&](store::ClientRecord& client, std::vector<store::RevocationRecord>& revoked) {
    ClientSpec spec{update.name.value_or(client.name), update.scope.value_or(common::join_scopes(client.scopes)),
                    update.audience.value_or(client.audience), update.token_ttl.value_or(client.token_ttl),
                    client.auth, client.jwks, client.jwks_uri,
                    update.tls_name.value_or(client.tls_name), update.certificate_bound.value_or(client.certificate_bound),
                    update.require_dpop.value_or(client.require_dpop), update.quota.value_or(client.quota)};
    if (update.jwks || update.jwks_uri) {
      if (client.auth == store::ClientRecord::Auth::secret || client.auth == store::ClientRecord::Auth::tls_client_auth)
        throw InvalidClientInput(std::string("the client authenticates with ") +
                                 (client.auth == store::ClientRecord::Auth::secret ? "a secret" : "a CA-issued certificate") +
                                 "; keys (--jwks, --jwks-uri) are for a private_key_jwt or "
                                 "self_signed_tls_client_auth client: create one");
      spec.jwks = update.jwks.value_or("");
      spec.jwks_uri = update.jwks_uri.value_or("");
    }
    validate(spec);
    client.jwks = spec.jwks;
    client.jwks_uri = spec.jwks_uri;
    client.tls_name = canonical_name(spec.tls_name);
    client.certificate_bound = spec.certificate_bound;
    client.require_dpop = spec.require_dpop;
    client.quota = spec.quota;
    auto scopes = common::split_scopes(spec.scope);
    // A scope taken away must end the tokens that carry it, for offline verifiers too; a status list
    // cannot tell tokens apart by scope, so every token the client holds is revoked (it gets new
    // ones with its secret at once). Introspection and the status routes also check each token's
    // scopes against the client's (issuer/token_inspection.cpp).
    bool narrowed = !std::all_of(client.scopes.begin(), client.scopes.end(), [&](const std::string& s) {
      return std::find(scopes.begin(), scopes.end(), s) != scopes.end();
    });
    client.name = spec.name;
    client.scopes = std::move(scopes);
    client.audience = spec.audience;
    client.token_ttl = spec.token_ttl;
    client.updated_at = now();
    // Disabling ends the tokens the client holds, as set_client_enabled does; in the same write.
    bool disabling = update.enabled && !*update.enabled && client.enabled;
    if (update.enabled) client.enabled = *update.enabled;
    if (narrowed || disabling) revoked = revoke_generation(client, client.updated_at);
    auto detail = boost::json::parse(settings_json(client)).as_object();
    detail["enabled"] = client.enabled;
    if (!revoked.empty()) detail["tokens_revoked"] = true;
    return audit::entry(actor, "client.update", id, boost::json::serialize(detail));
  });
}

std::optional<RotatedSecret> rotate_client_secret(store::Store& store, const std::string& id, bool revoke_tokens,
                                                  const audit::Actor& actor, int64_t grace_seconds) {
  if (grace_seconds < 0 || grace_seconds > common::kMaxTokenLifetime)
    throw InvalidClientInput("the grace period of the old secret (--grace, grace_seconds) must be from 0 to " +
                             std::to_string(common::kMaxTokenLifetime) + " seconds (31 days), got " +
                             std::to_string(grace_seconds));
  RotatedSecret rotated;
  auto written = read_change_write(store, id, [&](store::ClientRecord& client, std::vector<store::RevocationRecord>& revoked) {
    if (client.auth != store::ClientRecord::Auth::secret)
      throw InvalidClientInput("client " + id + " authenticates with " + store::auth_name(client.auth) +
                               " and has no secret; change its keys or certificate name with client update");
    rotated.secret = generate_client_secret();
    client.updated_at = now();
    if (grace_seconds > 0) {
      client.previous_secret_digest = client.secret_digest;
      client.previous_secret_until = client.updated_at + grace_seconds;
    } else {
      client.previous_secret_digest = {};
      client.previous_secret_until = 0;
    }
    client.secret_digest = common::digest_secret(rotated.secret);
    rotated.old_secret_until = client.previous_secret_until;
    if (revoke_tokens) revoked = revoke_generation(client, client.updated_at);
    boost::json::object detail{{"revoke_tokens", revoke_tokens}};
    if (grace_seconds > 0) detail["old_secret_until"] = client.previous_secret_until;
    return audit::entry(actor, "client.rotate_secret", id, boost::json::serialize(detail));
  });
  if (!written) return std::nullopt;
  return rotated;
}

bool set_client_enabled(store::Store& store, const std::string& id, bool enabled, const audit::Actor& actor) {
  return read_change_write(store, id, [&](store::ClientRecord& client, std::vector<store::RevocationRecord>& revoked) {
           client.enabled = enabled;
           client.updated_at = now();
           // Disabling also ends the tokens it holds, so that enabling it again does not bring them back.
           if (!enabled) revoked = revoke_generation(client, client.updated_at);
           return audit::entry(actor, enabled ? "client.enable" : "client.disable", id);
         }).has_value();
}

bool revoke_client_tokens(store::Store& store, const std::string& id, const audit::Actor& actor) {
  return read_change_write(store, id, [&](store::ClientRecord& client, std::vector<store::RevocationRecord>& revoked) {
           client.updated_at = now();
           revoked = revoke_generation(client, client.updated_at);
           return audit::entry(actor, "client.revoke_tokens", id);
         }).has_value();
}

bool delete_client(store::Store& store, const std::string& id, const audit::Actor& actor) {
  auto client = store.find_client(id);
  if (!client) return false;
  auto revoked = revoke_generation(*client, now());
  auto audit = audit::entry(actor, "client.delete", id, settings_json(*client));
  return store.delete_client(id, revoked, &audit);
}

}  // namespace tokengate::issuer
