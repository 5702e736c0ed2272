#include "jose/x509_certificate.hpp"

#include <gtest/gtest.h>

#include "issuer/certificate_check.hpp"

namespace tokengate {
namespace {

// A self-signed EC P-256 certificate valid until 2126, with one subjectAltName of each kind.
constexpr const char* kCertificate = R"(-----BEGIN CERTIFICATE-----
MIIB+jCCAZ+gAwIBAgIUEqhgNibZTp/m5JsBb+OxuyQ6M7QwCgYIKoZIzj0EAwIw
IzEQMA4GA1UECgwHRXhhbXBsZTEPMA0GA1UEAwwGd29ya2VyMCAXDTI2MTIwMzIy
MjgxMVoYDzIxMjYxMTA5MjIyODExWjAjMRAwDgYDVQQKDAdFeGFtcGxlMQ8wDQYD
VQQDDAZ3b3JrZXIwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQHZKGPRHsXsN4i
5w3IhzIKwqTMLyk8Lf3udlfHIfUz8wgXdEqWh0nng/BfMywA3/INK4zKEi0s88BM
rMBRiR35o4GuMIGrMB0GA1UdDgQWBBTiA2Val3mxq81LtWV8cNwZLrhAPTAfBgNV
HSMEGDAWgBTiA2Val3mxq81LtWV8cNwZLrhAPTAPBgNVHRMBAf8EBTADAQH/MFgG
A1UdEQRRME+CDndvcmtlci5leGFtcGxlhhZzcGlmZmU6Ly9leGFtcGxlLm9yZy93
hwQKAQIDhxAgAQ24AAAAAAAAAAAAAAABgQ13QGV4YW1wbGUub3JnMAoGCCqGSM49
BAMCA0kAMEYCIQDljHIgegwJbFfijQbozD5vETDfetVpEMEOPEQpPfTzEAIhAMa9
oyBkoV+r8zZIXQGkLKLtIVYXEqtEdhRPi/11pMkg
-----END CERTIFICATE-----
)";

using Kind = store::ClientRecord::TlsNameKind;

TEST(X509Certificate, ReadsThumbprintNamesAndValidity) {
  auto c = jose::certificate_from_pem(kCertificate);
  ASSERT_TRUE(c);
  // openssl x509 -outform der | openssl dgst -sha256 -binary | base64url
  EXPECT_EQ(c->thumbprint, "O7hbeIgUx5BnORVmfM5FOnxikjwhKpF9vHGl7qqfLvY");
  EXPECT_EQ(c->subject_dn, "CN=worker,O=Example");  // RFC 4514: the last RDN first
  EXPECT_EQ(c->san_dns, std::vector<std::string>{"worker.example"});
  EXPECT_EQ(c->san_uri, std::vector<std::string>{"spiffe://example.org/w"});
  EXPECT_EQ(c->san_ip, (std::vector<std::string>{"10.1.2.3", "2001:db8::1"}));
  EXPECT_EQ(c->san_email, std::vector<std::string>{"w@example.org"});
  EXPECT_TRUE(c->valid_at(1800000000));
  EXPECT_FALSE(c->valid_at(1000000000));
  EXPECT_EQ(jose::certificate_thumbprint(c->der), c->thumbprint);
  EXPECT_EQ(jose::certificate_from_der(c->der)->thumbprint, c->thumbprint);
}

TEST(X509Certificate, RefusesWhatIsNoCertificate) {
  EXPECT_FALSE(jose::certificate_from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
  EXPECT_FALSE(jose::certificate_from_pem(""));
  EXPECT_FALSE(jose::certificate_from_der("\x30\x03\x02\x01\x01"));
  auto c = jose::certificate_from_pem(kCertificate);
  EXPECT_FALSE(jose::certificate_from_der(c->der + "x")) << "trailing bytes";
  EXPECT_EQ(jose::certificate_thumbprint("not a certificate"), "");
}

TEST(CertificateName, MatchesTheRegisteredNameOfItsKindOnly) {
  auto c = *jose::certificate_from_pem(kCertificate);
  EXPECT_TRUE(issuer::certificate_has_name(c, {Kind::subject_dn, "CN=worker,O=Example"}));
  EXPECT_FALSE(issuer::certificate_has_name(c, {Kind::subject_dn, "O=Example,CN=worker"}));
  EXPECT_TRUE(issuer::certificate_has_name(c, {Kind::san_dns, "WORKER.example"}));  // DNS: any case
  EXPECT_FALSE(issuer::certificate_has_name(c, {Kind::san_dns, "spiffe://example.org/w"}));
  EXPECT_TRUE(issuer::certificate_has_name(c, {Kind::san_uri, "spiffe://example.org/w"}));
  EXPECT_FALSE(issuer::certificate_has_name(c, {Kind::san_uri, "SPIFFE://example.org/w"}));
  EXPECT_FALSE(issuer::certificate_has_name(c, {Kind::san_uri, "spiffe://example.org/w/x"}));
  EXPECT_TRUE(issuer::certificate_has_name(c, {Kind::san_ip, "2001:db8::1"}));
  EXPECT_FALSE(issuer::certificate_has_name(c, {Kind::san_ip, "10.1.2.4"}));
  EXPECT_TRUE(issuer::certificate_has_name(c, {Kind::san_email, "w@example.org"}));
  EXPECT_FALSE(issuer::certificate_has_name(c, {Kind::none, ""}));
}

}  // namespace
}  // namespace tokengate
