#include "http/client_certificate.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <optional>
#include <stdexcept>

#include "common/base64url.hpp"

namespace tokengate::http {
namespace {

struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct StoreCtxFree { void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); } };

int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// nginx's $ssl_client_escaped_cert: the PEM with everything but unreserved characters as %XX.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// X509_verify_cert against the authorities, as a TLS client certificate, now. Empty: it chains.
std::string chain_error(X509* leaf, STACK_OF(X509)* untrusted, const ClientCertificateAuthorities* authorities) {
  if (!authorities) return "this server has no CA for client certificates (--tls-client-ca)";
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), authorities->store(), leaf, untrusted) != 1) {
    ERR_clear_error();
    return "the certificate chain could not be checked";
  }
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
  X509_STORE_CTX_set_depth(ctx.get(), 5);
  if (X509_verify_cert(ctx.get()) == 1) return {};
  ERR_clear_error();
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

std::shared_ptr<const ClientCertificate> checked(X509* leaf, STACK_OF(X509)* untrusted,
                                                 const ClientCertificateAuthorities* authorities) {
  auto parsed = jose::certificate_from_x509(leaf);
  if (!parsed) return nullptr;
  auto cert = std::make_shared<ClientCertificate>();
  static_cast<jose::X509Certificate&>(*cert) = std::move(*parsed);
  cert->chain_error = chain_error(leaf, untrusted, authorities);
  cert->chains_to_ca = cert->chain_error.empty();
  return cert;
}

}  // namespace

ClientCertificateAuthorities::ClientCertificateAuthorities(const std::string& pem_file)
    : file_(pem_file), store_(X509_STORE_new()) {
  if (!store_) throw std::runtime_error("out of memory");
  if (X509_STORE_load_file(store_, pem_file.c_str()) != 1) {
    ERR_clear_error();
    X509_STORE_free(store_);
    throw std::runtime_error("tls_client_ca " + pem_file + " cannot be read as PEM CA certificates");
  }
}

ClientCertificateAuthorities::~ClientCertificateAuthorities() { X509_STORE_free(store_); }

std::shared_ptr<const ClientCertificate> peer_certificate(SSL* ssl, const ClientCertificateAuthorities* authorities) {
  std::unique_ptr<X509, X509Free> leaf(SSL_get1_peer_certificate(ssl));
  if (!leaf) return nullptr;
  // The chain the client sent; as a server, OpenSSL's list leaves the leaf out.
  return checked(leaf.get(), SSL_get_peer_cert_chain(ssl), authorities);
}

std::shared_ptr<const ClientCertificate> forwarded_certificate(std::string_view value,
                                                               const ClientCertificateAuthorities* authorities,
                                                               std::string& error) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty() || value == "(null)") return nullptr;  // no certificate was presented to the proxy
  std::string der;
  if (value.size() >= 2 && value.front() == ':' && value.back() == ':') {  // RFC 9440 §2.2
    auto decoded = common::base64_decode(value.substr(1, value.size() - 2));
    if (!decoded) {
      error = "the Client-Cert header is not base64";
      return nullptr;
    }
    der = std::move(*decoded);
  } else {
    auto pem = percent_decode(value);
    if (!pem) {
      error = "the client certificate header is not URL-encoded PEM";
      return nullptr;
    }
    auto parsed = jose::certificate_from_pem(*pem);
    if (!parsed) {
      error = "the client certificate header holds no PEM certificate";
      return nullptr;
    }
    der = std::move(parsed->der);
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, X509Free> leaf(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!leaf) {
    ERR_clear_error();
    error = "the client certificate header holds no certificate";
    return nullptr;
  }
  return checked(leaf.get(), nullptr, authorities);
}

}  // namespace tokengate::http
