#pragma once
// A registered OAuth client as the store keeps it. The secret is only ever held as a digest.
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "common/secret_digest.hpp"
#include "limits/quota.hpp"

namespace tokengate::store {

struct ClientRecord {
  std::string id;
  std::string name;
  common::SecretDigest secret_digest{};
  // The secret it had before its last rotation, still accepted until `previous_secret_until` (Unix
  // seconds; 0: there is none): a rotation with a grace period (`client rotate-secret --grace`).
  common::SecretDigest previous_secret_digest{};
  int64_t previous_secret_until = 0;
  // How it authenticates (RFC 7591 §2 token_endpoint_auth_method): with its secret
  // (client_secret_basic or client_secret_post), or with a JWT signed by one of its keys
  // (private_key_jwt, RFC 7523 §2.2), which it has registered inline (`jwks`, a JWKS document) or
  // publishes at `jwks_uri`. A private_key_jwt client has no secret: its digest is of 32 random
  // bytes nobody was given.
  // Or with a TLS client certificate (RFC 8705 §2): one that chains to the operator's CA and
  // carries the name registered in `tls_name` (tls_client_auth), or one whose key is in `jwks`
  // (self_signed_tls_client_auth).
  enum class Auth { secret, private_key_jwt, tls_client_auth, self_signed_tls_client_auth };
  Auth auth = Auth::secret;
  std::string jwks;
  std::string jwks_uri;
  // The one name a tls_client_auth client's certificate must carry (RFC 8705 §2.1.2).
  enum class TlsNameKind { none, subject_dn, san_dns, san_uri, san_ip, san_email };
  struct TlsName {
    TlsNameKind kind = TlsNameKind::none;
    std::string value;
    bool operator==(const TlsName&) const = default;
  };
  TlsName tls_name;
  // Sender-constrained tokens: a token asked for over a connection with a client certificate is
  // bound to it (RFC 8705 §3) unless the client opted out (never for an mTLS client); a client
  // that requires DPoP gets no token without a proof (RFC 9449 §5.2 dpop_bound_access_tokens).
  bool certificate_bound = true;
  bool require_dpop = false;
  bool authenticates_by_certificate() const {
    return auth == Auth::tls_client_auth || auth == Auth::self_signed_tls_client_auth;
  }
  std::vector<std::string> scopes;  // the scopes it may be granted; empty = none
  std::string audience;             // `aud` of its tokens; empty = the server's default
  std::string generation;           // names its tokens' status lists; replaced when they are all revoked
  int64_t token_ttl = 0;            // seconds; 0 = the server's default
  limits::Quota quota{};            // tokens per period, counted across the nodes; none by default
  bool enabled = true;
  int64_t created_at = 0;           // Unix seconds
  int64_t updated_at = 0;
};

// The stored name of each way ("client_secret", "private_key_jwt", "tls_client_auth",
// "self_signed_tls_client_auth"), and back (nullopt: unknown).
const char* auth_name(ClientRecord::Auth auth);
std::optional<ClientRecord::Auth> parse_auth(std::string_view name);

// RFC 8705 §2.1.2's metadata names ("tls_client_auth_subject_dn", "tls_client_auth_san_dns", ...).
const char* tls_name_member(ClientRecord::TlsNameKind kind);
std::optional<ClientRecord::TlsNameKind> parse_tls_name_member(std::string_view member);

// The store's `token_binding` column: tls_name, certificate_bound and require_dpop as a JSON object
// of their RFC 7591 metadata names (RFC 8705 §2.1.2, §3.4; RFC 9449 §5.2); empty when all are at
// their defaults. read_token_binding returns false if the text is not such an object.
std::string token_binding_json(const ClientRecord& c);
bool read_token_binding(std::string_view text, ClientRecord& c);

}  // namespace tokengate::store
