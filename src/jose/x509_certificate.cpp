#include "jose/x509_certificate.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/base64url.hpp"
#include "common/sha256.hpp"
#include "jose/openssl_ptr.hpp"

namespace tokengate::jose {
namespace {

struct X509Free { void operator()(X509* p) const { X509_free(p); } };
using X509Ptr = std::unique_ptr<X509, X509Free>;

std::string text_of(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
}

// RFC 4514 (RFC 2253's order: the most specific RDN first), UTF-8, no multi-line forms.
std::string distinguished_name(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

int64_t unix_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  const unsigned char* bytes = ASN1_STRING_get0_data(ip);
  int len = ASN1_STRING_length(ip);
  if (len == 4 && inet_ntop(AF_INET, bytes, buf, sizeof buf)) return buf;
  if (len == 16 && inet_ntop(AF_INET6, bytes, buf, sizeof buf)) return buf;
  return {};
}

}  // namespace

std::optional<X509Certificate> certificate_from_x509(X509* cert) {
  if (!cert) return std::nullopt;
  X509Certificate out;
  int len = i2d_X509(cert, nullptr);
  if (len <= 0) return std::nullopt;
  out.der.resize(static_cast<size_t>(len));
  auto* p = reinterpret_cast<unsigned char*>(out.der.data());
  if (i2d_X509(cert, &p) != len) return std::nullopt;
  auto digest = common::sha256(out.der);
  out.thumbprint = common::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  out.subject_dn = distinguished_name(X509_get_subject_name(cert));
  out.not_before = unix_time(X509_get0_notBefore(cert));
  out.not_after = unix_time(X509_get0_notAfter(cert));
  EVP_PKEY* key = X509_get_pubkey(cert);  // a reference of our own
  if (!key) return std::nullopt;
  out.public_key.reset(key, EVP_PKEY_free);

  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    switch (name->type) {
      case GEN_DNS: out.san_dns.push_back(text_of(name->d.dNSName)); break;
      case GEN_URI: out.san_uri.push_back(text_of(name->d.uniformResourceIdentifier)); break;
      case GEN_EMAIL: out.san_email.push_back(text_of(name->d.rfc822Name)); break;
      case GEN_IPADD:
        if (auto ip = ip_text(name->d.iPAddress); !ip.empty()) out.san_ip.push_back(std::move(ip));
        break;
      default: break;
    }
  }
  if (names) GENERAL_NAMES_free(names);
  return out;
}

std::optional<X509Certificate> certificate_from_der(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    ERR_clear_error();
    return std::nullopt;
  }
  return certificate_from_x509(cert.get());
}

std::optional<X509Certificate> certificate_from_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return std::nullopt;
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    ERR_clear_error();
    return std::nullopt;
  }
  return certificate_from_x509(cert.get());
}

std::string certificate_thumbprint(std::string_view pem_or_der) {
  auto cert = pem_or_der.find("-----BEGIN") != std::string_view::npos ? certificate_from_pem(pem_or_der)
                                                                      : certificate_from_der(pem_or_der);
  return cert ? cert->thumbprint : std::string();
}

}  // namespace tokengate::jose
