#pragma once
// The HTTP/1.1 server: one io_context and one thread per core, keep-alive, bounded requests,
// timeouts, and a graceful stop. Beast stays in server.cpp; callers see plain types.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "http/client_certificate.hpp"
#include "http/router.hpp"
#include "http/tls_context.hpp"

namespace tokengate::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                    // 0: pick a free port
  unsigned threads = 0;                    // 0: one per core
  size_t body_limit = 16 * 1024;           // larger bodies get 413
  size_t header_limit = 8 * 1024;          // larger header sections get 431
  std::chrono::seconds request_timeout{30};  // to receive a whole request, or idle between requests
  std::chrono::seconds drain_timeout{10};    // on stop: how long in-flight requests may take
  bool access_log = false;                 // one debug line per request (method, route, status, time)
  size_t max_connections = 0;              // open at once; more are refused with 503. 0: from the fd limit
  std::optional<TlsFiles> tls;             // HTTPS with this certificate and key (see reload_tls)
  std::set<std::string> trusted_proxies;   // peers whose X-Forwarded-For names the client (IP addresses)
  // Client certificates (RFC 8705): the CAs they may chain to, and the header in which a trusted
  // proxy forwards one (empty: none is believed).
  std::shared_ptr<const ClientCertificateAuthorities> client_cas;
  std::string client_cert_header;
};

class Server {
 public:
  // Binds and listens; throws std::runtime_error naming the address if that fails.
  Server(ServerOptions options, const Router& router);
  ~Server();

  uint16_t port() const;  // the bound port (useful with port 0)
  unsigned threads() const;
  size_t max_connections() const;  // the cap in force
  size_t open_connections() const;  // now, on every thread
  bool tls() const;                // serving HTTPS

  // Serves until stop(); then stops accepting, lets in-flight requests finish (at most
  // drain_timeout), closes idle connections and returns. Process signals are its owner's
  // (cli/process_signals.hpp).
  void run();
  // From any thread, also before run(): run() returns once in-flight requests are done.
  void stop();
  // From any thread: loads the TLS certificate and key again (new connections use them); the
  // current ones stay if the files do not load. Also done by itself when the files change.
  // `why` starts the log line ("SIGHUP").
  void reload_tls(std::string why);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tokengate::http
