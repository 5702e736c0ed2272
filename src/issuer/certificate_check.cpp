#include "issuer/certificate_check.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "common/ascii.hpp"
#include "common/rfc3339.hpp"

namespace tokengate::issuer {
namespace {

oauth::OAuthError refused(std::string why) { return oauth::OAuthError::invalid_client(std::move(why), false); }

bool any_equal(const std::vector<std::string>& names, const std::string& value, bool ignore_case) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return ignore_case ? common::iequals(n, value) : n == value;
  });
}

}  // namespace

bool certificate_has_name(const jose::X509Certificate& c, const store::ClientRecord::TlsName& name) {
  using K = store::ClientRecord::TlsNameKind;
  switch (name.kind) {
    case K::subject_dn: return c.subject_dn == name.value;
    case K::san_dns: return any_equal(c.san_dns, name.value, true);
    case K::san_uri: return any_equal(c.san_uri, name.value, false);
    case K::san_ip: return any_equal(c.san_ip, name.value, false);
    case K::san_email: return any_equal(c.san_email, name.value, true);  // mail systems ignore the case
    case K::none: return false;
  }
  return false;
}

AuthResult check_certificate(const oauth::PresentedCredentials& presented, const http::ClientCertificate* certificate,
                             const store::ClientSnapshot& clients, const ClientKeys& keys, int64_t now) {
  const store::ClientRecord* client = clients.find(presented.id);
  // Unknown, disabled and secret clients alike: the answer does not tell which IDs exist.
  if (!certificate || !client || !client->enabled || !client->authenticates_by_certificate())
    return refused("Client authentication failed: unknown or disabled client, or one that does not authenticate "
                   "with a TLS client certificate (RFC 8705); send its secret or assertion instead.");
  if (!certificate->valid_at(now))
    return refused(now < certificate->not_before
                       ? "The client certificate is not valid before " + common::rfc3339(certificate->not_before) + "."
                       : "The client certificate expired at " + common::rfc3339(certificate->not_after) +
                             "; connect with a current one.");
  if (client->auth == store::ClientRecord::Auth::tls_client_auth) {
    if (!certificate->chains_to_ca)
      return refused("The client certificate does not chain to a CA this server trusts for client authentication (" +
                     certificate->chain_error + "); a self-signed certificate needs a client registered with "
                     "self_signed_tls_client_auth.");
    if (!certificate_has_name(*certificate, client->tls_name))
      return refused(std::string("The client certificate does not carry the ") +
                     store::tls_name_member(client->tls_name.kind) + " registered for this client (RFC 8705 §2.1.2).");
    return client;
  }
  // self_signed_tls_client_auth: the certificate's key is one of the client's (§2.2).
  auto found = keys.find(*client, "");
  bool registered = found.keys && std::any_of(found.keys->keys().begin(), found.keys->keys().end(), [&](const auto& k) {
                      return EVP_PKEY_eq(k.pkey.get(), certificate->public_key.get()) == 1;
                    });
  if (!registered)
    return refused("The client certificate's key is not one registered for this client (self_signed_tls_client_auth, "
                   "RFC 8705 §2.2).");
  return client;
}

}  // namespace tokengate::issuer
