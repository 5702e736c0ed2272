#pragma once
// The admin listener (--admin-listen, default 127.0.0.1:8081): a second HTTP server, one thread of
// its own, for what the public listener must not serve: /metrics, the admin API and the console.
// It stops on the same SIGINT/SIGTERM as the public one.
#include <memory>
#include <thread>

#include "config/config.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace tokengate::admin {

// GET /metrics: every metric, in the Prometheus text format.
void add_metrics_route(http::Router& router);

class AdminListener {
 public:
  // Listens at once (throws std::runtime_error naming admin_listen if it cannot) and serves
  // `router` on a thread of its own.
  AdminListener(const config::Config& config, const http::Router& router);
  ~AdminListener();  // stops it, if no signal has, and waits for its thread

  uint16_t port() const { return server_->port(); }

 private:
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

}  // namespace tokengate::admin
