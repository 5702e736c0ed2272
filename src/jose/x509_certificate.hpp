#pragma once
// An X.509 certificate as OAuth mutual TLS (RFC 8705) uses it: its SHA-256 thumbprint (the
// `x5t#S256` a certificate-bound token carries, §3.1), the names a client registers to be known by
// (§2.1.2: the subject DN, or one subjectAltName), its validity and its public key. Shared by the
// server and libtokengate's Verifier.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;

namespace tokengate::jose {

struct X509Certificate {
  std::string der;
  std::string thumbprint;  // base64url SHA-256 of the DER (RFC 8705 §3.1)
  std::string subject_dn;  // RFC 4514 string form, e.g. "CN=worker,O=Example"
  std::vector<std::string> san_dns, san_uri, san_ip, san_email;
  int64_t not_before = 0, not_after = 0;  // Unix seconds
  std::shared_ptr<EVP_PKEY> public_key;

  bool valid_at(int64_t now) const { return now >= not_before && now <= not_after; }
};

// nullopt if the bytes are not one certificate.
std::optional<X509Certificate> certificate_from_x509(X509* cert);
std::optional<X509Certificate> certificate_from_der(std::string_view der);
std::optional<X509Certificate> certificate_from_pem(std::string_view pem);

// The base64url SHA-256 thumbprint of a certificate given as PEM or DER; empty if it is neither.
std::string certificate_thumbprint(std::string_view pem_or_der);

}  // namespace tokengate::jose
