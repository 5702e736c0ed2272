// A client certificate as a trusted proxy forwards it (URL-encoded PEM, or RFC 9440's :base64:),
// and the same bytes as DER and PEM: whatever arrives, a certificate or a clear refusal, never a
// crash. Checked against a CA store too, so that the chain code runs on garbage.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unistd.h>

#include "http/client_certificate.hpp"
#include "jose/x509_certificate.hpp"

namespace {

// A CA file of one self-signed certificate (the corpus has it too).
const tokengate::http::ClientCertificateAuthorities* authorities() {
  static const char kCa[] =
      "-----BEGIN CERTIFICATE-----\n"
      "MIIB+jCCAZ+gAwIBAgIUEqhgNibZTp/m5JsBb+OxuyQ6M7QwCgYIKoZIzj0EAwIw\n"
      "IzEQMA4GA1UECgwHRXhhbXBsZTEPMA0GA1UEAwwGd29ya2VyMCAXDTI2MTIwMzIy\n"
      "MjgxMVoYDzIxMjYxMTA5MjIyODExWjAjMRAwDgYDVQQKDAdFeGFtcGxlMQ8wDQYD\n"
      "VQQDDAZ3b3JrZXIwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQHZKGPRHsXsN4i\n"
      "5w3IhzIKwqTMLyk8Lf3udlfHIfUz8wgXdEqWh0nng/BfMywA3/INK4zKEi0s88BM\n"
      "rMBRiR35o4GuMIGrMB0GA1UdDgQWBBTiA2Val3mxq81LtWV8cNwZLrhAPTAfBgNV\n"
      "HSMEGDAWgBTiA2Val3mxq81LtWV8cNwZLrhAPTAPBgNVHRMBAf8EBTADAQH/MFgG\n"
      "A1UdEQRRME+CDndvcmtlci5leGFtcGxlhhZzcGlmZmU6Ly9leGFtcGxlLm9yZy93\n"
      "hwQKAQIDhxAgAQ24AAAAAAAAAAAAAAABgQ13QGV4YW1wbGUub3JnMAoGCCqGSM49\n"
      "BAMCA0kAMEYCIQDljHIgegwJbFfijQbozD5vETDfetVpEMEOPEQpPfTzEAIhAMa9\n"
      "oyBkoV+r8zZIXQGkLKLtIVYXEqtEdhRPi/11pMkg\n"
      "-----END CERTIFICATE-----\n";
  static const tokengate::http::ClientCertificateAuthorities* cas = [] {
    char path[] = "/tmp/tokengate-fuzz-ca-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return static_cast<const tokengate::http::ClientCertificateAuthorities*>(nullptr);
    (void)!write(fd, kCa, sizeof kCa - 1);
    close(fd);
    const tokengate::http::ClientCertificateAuthorities* made = nullptr;
    try {
      made = new tokengate::http::ClientCertificateAuthorities(path);
    } catch (const std::exception&) {
    }
    unlink(path);
    return made;
  }();
  return cas;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string error;
  tokengate::http::forwarded_certificate(bytes, authorities(), error);
  tokengate::http::forwarded_certificate(bytes, nullptr, error);
  tokengate::jose::certificate_from_der(bytes);
  tokengate::jose::certificate_from_pem(bytes);
  tokengate::jose::certificate_thumbprint(bytes);
  return 0;
}
