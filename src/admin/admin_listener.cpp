#include "admin/admin_listener.hpp"

#include <stdexcept>

#include "observe/metrics.hpp"

namespace tokengate::admin {

void add_metrics_route(http::Router& router) {
  router.add("GET", "/metrics", [](const http::Request&) {
    http::Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = observe::Metrics::instance().exposition();
    r.header("Cache-Control", "no-store");
    return r;
  });
}

AdminListener::AdminListener(const config::Config& config, const http::Router& router) {
  http::ServerOptions options;
  options.host = config.admin_host;
  options.port = config.admin_port;
  options.threads = 1;
  options.max_connections = 256;
  options.body_limit = 64 * 1024;
  options.access_log = config.access_log;
  options.stop_on_signals = false;  // the main server takes SIGTERM; this one's owner stops it after
  if (!config.tls_cert.empty()) options.tls = http::TlsFiles{config.tls_cert, config.tls_key};
  try {
    server_ = std::make_unique<http::Server>(options, router);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) +
                             " (the admin listener: choose another address with --admin-listen HOST:PORT, or turn "
                             "it off with --admin-listen none)");
  }
  thread_ = std::thread([this] { server_->run(); });
}

AdminListener::~AdminListener() {
  server_->stop();
  thread_.join();
}

}  // namespace tokengate::admin
