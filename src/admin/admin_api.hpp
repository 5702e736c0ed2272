#pragma once
// The admin API, /admin/v1/ on the admin listener (issuer mode): clients, keys and the audit trail
// as JSON, for people (the console) and for automation. Every request needs an access token this
// server issued with the scope tokengate:admin (RFC 6750 §2.1: Authorization: Bearer); every
// write goes to the store with its audit entry, then this node reloads at once (the others within
// a second, as for a CLI change). The token is checked against the client's current state (its
// scopes, enabled, its tokens not revoked: issuer/token_inspection), not against what it claims.
// Described by web/openapi/admin.json.
//
//   GET    /admin/v1/clients?limit=&after=&q=      list (paged; q searches ID and name)
//   POST   /admin/v1/clients                       create: the secret is in this answer only
//   GET    /admin/v1/clients/{id}                  show
//   PATCH  /admin/v1/clients/{id}                  update name, scope, audience, token_ttl, enabled
//   DELETE /admin/v1/clients/{id}                  delete (its tokens are revoked)
//   POST   /admin/v1/clients/{id}/disable|enable|rotate-secret|revoke-tokens
//   GET    /admin/v1/keys                          list
//   POST   /admin/v1/keys/rotate                   a new key (after the publish delay, or now)
//   POST   /admin/v1/keys/{kid}/retire             withdraw a key at once
//   GET    /admin/v1/audit?client=&since=&limit=&before=   the audit trail, newest first
#include <cstdint>
#include <functional>
#include <string>

#include "audit/trail_writer.hpp"
#include "http/router.hpp"
#include "jose/algorithm.hpp"
#include "jose/key_encryption.hpp"
#include "oauth/bearer.hpp"
#include "store/store.hpp"

namespace tokengate::admin {

// The scope an access token needs for the admin API.
inline constexpr const char* kAdminScope = "tokengate:admin";

struct AdminSettings {
  jose::Algorithm signing_alg = jose::Algorithm::ES256;  // of keys made by a rotation
  int64_t key_publish_delay = 600;
  const jose::KeyEncryption* kek = nullptr;
  // The admin listener serves HTTPS: a DPoP proof's htu names https://<its Host> (RFC 9449 §4.3).
  bool https = false;
};

class AdminApi {
 public:
  // `changed` runs after every write (this node reloads its snapshots). The references must
  // outlive the router the API is added to.
  // `trail`, if set, records the calls refused for want of a valid token or of the scope.
  AdminApi(store::Store& store, const oauth::AccessTokenVerifier& verifier, AdminSettings settings,
           std::function<void()> changed, audit::TrailWriter* trail = nullptr);

  void add_to(http::Router& router) const;

 private:
  struct Call;
  void authorized(const http::Request& request, http::Respond respond,
                  std::function<http::Response(const Call&)> handler) const;
  http::Response clients(const Call& call) const;
  http::Response create_client(const Call& call) const;
  http::Response client(const Call& call, const std::string& id, std::string_view action) const;
  http::Response keys(const Call& call) const;
  http::Response key(const Call& call, const std::string& kid, std::string_view action) const;
  http::Response audit(const Call& call) const;
  void after_write() const;

  store::Store& store_;
  const oauth::AccessTokenVerifier& verifier_;
  AdminSettings settings_;
  std::function<void()> changed_;
  audit::TrailWriter* trail_;
};

}  // namespace tokengate::admin
