#pragma once
// The server's TLS settings: a certificate chain and key from PEM files, TLS 1.2 and 1.3 only, modern
// ciphers (forward secrecy, AEAD), session resumption (a server-side cache and tickets), ALPN
// http/1.1. reload() reads the files again; connections keep the context they started with, new
// ones take the new one, so a reload drops nothing.
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace tokengate::http {

struct TlsFiles {
  std::string certificate;  // PEM: the certificate, then any intermediates
  std::string private_key;  // PEM
  // Mutual TLS (RFC 8705): ask every client for a certificate (optional), and take any, also a
  // self-signed one; whether it chains to a CA is decided after the handshake (http/client_certificate).
  bool request_client_certificate = false;
};

class TlsContext {
 public:
  // Throws std::runtime_error naming the file and the reason if the files do not make a context.
  explicit TlsContext(TlsFiles files);

  std::shared_ptr<boost::asio::ssl::context> current() const;

  // Loads the files again; on failure keeps the current context and returns the reason.
  std::string reload();
  // Reloads if either file changed since the last load (a failure: last_error() says why).
  enum class Reload { unchanged, reloaded, failed };
  Reload reload_if_changed();
  std::string last_error() const;

 private:
  TlsFiles files_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> context_;
  std::filesystem::file_time_type cert_time_{}, key_time_{};
  std::string last_error_;
};

}  // namespace tokengate::http
