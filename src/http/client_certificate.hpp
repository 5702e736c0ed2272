#pragma once
// The client certificate of a request (RFC 8705): from the TLS handshake when tokengate terminates
// TLS, or, from a trusted proxy that terminates it, from a header the proxy sets (nginx's
// $ssl_client_escaped_cert, or RFC 9440's Client-Cert). Whether it chains to the operator's CA
// (--tls-client-ca) is checked here, once per connection or header value; what it may do is the
// issuer's business.
#include <memory>
#include <string>
#include <string_view>

#include "jose/x509_certificate.hpp"

typedef struct ssl_st SSL;
typedef struct x509_store_st X509_STORE;

namespace tokengate::http {

struct ClientCertificate : jose::X509Certificate {
  bool chains_to_ca = false;  // to a CA of --tls-client-ca, valid now, for TLS client authentication
  std::string chain_error;    // why not, for a message the client can act on
};

// The CAs of --tls-client-ca (PEM, one or more; include any intermediate a proxy does not forward).
class ClientCertificateAuthorities {
 public:
  // Throws std::runtime_error naming the file if it holds no certificate.
  explicit ClientCertificateAuthorities(const std::string& pem_file);
  ~ClientCertificateAuthorities();
  ClientCertificateAuthorities(const ClientCertificateAuthorities&) = delete;
  ClientCertificateAuthorities& operator=(const ClientCertificateAuthorities&) = delete;

  const std::string& file() const { return file_; }
  X509_STORE* store() const { return store_; }

 private:
  std::string file_;
  X509_STORE* store_ = nullptr;
};

// The certificate the peer presented in the handshake of `ssl` (null: none), its chain checked
// against `authorities` (may be null: then it chains to nothing).
std::shared_ptr<const ClientCertificate> peer_certificate(SSL* ssl, const ClientCertificateAuthorities* authorities);

// The certificate a trusted proxy forwarded in a header: URL-encoded PEM (nginx), or RFC 9440's
// `:base64 DER:`. Null if the value is empty; `error` says why when it is not a certificate.
std::shared_ptr<const ClientCertificate> forwarded_certificate(std::string_view value,
                                                               const ClientCertificateAuthorities* authorities,
                                                               std::string& error);

}  // namespace tokengate::http
