#pragma once
// Client authentication by TLS certificate (RFC 8705 §2), in issuer mode: tls_client_auth (the
// certificate chains to the operator's CA and carries the name the client registered, §2.1) and
// self_signed_tls_client_auth (its key is one the client registered, §2.2). Both need the
// certificate valid now. No I/O: the keys are the client's inline JWKS.
#include <cstdint>

#include "http/client_certificate.hpp"
#include "issuer/client_check.hpp"
#include "issuer/client_keys.hpp"

namespace tokengate::issuer {

AuthResult check_certificate(const oauth::PresentedCredentials& presented, const http::ClientCertificate* certificate,
                             const store::ClientSnapshot& clients, const ClientKeys& keys, int64_t now);

// Whether `certificate` carries `name` (§2.1.2: the subject DN, compared as RFC 4514 strings, or
// one subjectAltName of the kind, exactly; DNS names and email addresses without regard to case;
// IP addresses as inet_ntop prints them, which the registry stores them as).
bool certificate_has_name(const jose::X509Certificate& certificate, const store::ClientRecord::TlsName& name);

}  // namespace tokengate::issuer
