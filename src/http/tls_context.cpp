#include "http/tls_context.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

#include <boost/asio/ssl/context.hpp>

namespace tokengate::http {
namespace {

// ALPN (RFC 7301): we speak HTTP/1.1 only, and say so.
int select_http11(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
                  void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_ALERT_FATAL;  // a client that offers only h2 gets a clear refusal
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

// The handshake takes any certificate the client proves it holds the key of (its CertificateVerify):
// self_signed_tls_client_auth needs self-signed ones, and a chain is judged per client, after the
// handshake (http/client_certificate). OpenSSL's own chain building is skipped altogether: it would
// check every signature of whatever chain a client sends before anyone is authenticated.
int take_certificate_unverified(X509_STORE_CTX*, void*) { return 1; }

std::shared_ptr<boost::asio::ssl::context> load(const TlsFiles& files) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression | ssl::context::single_dh_use |
                   SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  // TLS 1.2: ECDHE with AES-GCM or ChaCha20-Poly1305 only (TLS 1.3's suites are all of that kind).
  SSL_CTX_set_cipher_list(native,
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                          "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  // Resumption: a server-side session cache (TLS 1.2 session IDs) and tickets (both versions).
  static const unsigned char kSessionContext[] = "tokengate";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_SERVER);
  SSL_CTX_sess_set_cache_size(native, 20000);
  SSL_CTX_set_alpn_select_cb(native, select_http11, nullptr);
  if (files.request_client_certificate) {
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(native, take_certificate_unverified, nullptr);
    SSL_CTX_set_max_cert_list(native, 32 * 1024);  // a client's chain: a few certificates, not 100 KB
  }

  boost::system::error_code ec;
  ctx->use_certificate_chain_file(files.certificate, ec);
  if (ec) throw std::runtime_error("tls_cert " + files.certificate + ": " + ec.message());
  ctx->use_private_key_file(files.private_key, ssl::context::pem, ec);
  if (ec && ec.message().find("mismatch") != std::string::npos)
    throw std::runtime_error("tls_key " + files.private_key + " does not belong to the certificate in " + files.certificate);
  if (ec) throw std::runtime_error("tls_key " + files.private_key + ": " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1)
    throw std::runtime_error("tls_key " + files.private_key + " does not belong to the certificate in " + files.certificate);
  return ctx;
}

std::filesystem::file_time_type modified(const std::string& path) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(path, ec);
  return ec ? std::filesystem::file_time_type{} : t;
}

}  // namespace

TlsContext::TlsContext(TlsFiles files) : files_(std::move(files)) {
  cert_time_ = modified(files_.certificate);
  key_time_ = modified(files_.private_key);
  context_ = load(files_);
}

std::shared_ptr<boost::asio::ssl::context> TlsContext::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

std::string TlsContext::reload() {
  auto cert_time = modified(files_.certificate);
  auto key_time = modified(files_.private_key);
  try {
    auto fresh = load(files_);
    std::lock_guard lock(mutex_);
    context_ = std::move(fresh);
    cert_time_ = cert_time;
    key_time_ = key_time;
    return {};
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    cert_time_ = cert_time;  // do not try the same broken files again and again
    key_time_ = key_time;
    last_error_ = e.what();
    return last_error_;
  }
}

TlsContext::Reload TlsContext::reload_if_changed() {
  {
    std::lock_guard lock(mutex_);
    if (modified(files_.certificate) == cert_time_ && modified(files_.private_key) == key_time_) return Reload::unchanged;
  }
  return reload().empty() ? Reload::reloaded : Reload::failed;
}

std::string TlsContext::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace tokengate::http
