#pragma once
// The admin listener (--admin-listen, default 127.0.0.1:8081): a second HTTP server, one thread of
// its own, for what the public listener must not serve: /metrics, the admin API and the console.
// Its owner (the serve command) stops it with the public one.
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace tokengate::admin {

// GET /metrics: every metric, in the Prometheus text format.
void add_metrics_route(http::Router& router);

// DNS rebinding: a page on a name the attacker controls, resolved to this listener's address,
// could read /metrics or the console with the visitor's browser. The listener answers only
// requests whose Host is an IP address, localhost, or a name in `admin_hosts`; others get 403.
bool admin_host_allowed(std::string_view host, const std::vector<std::string>& extra_names);
void guard_admin_hosts(http::Router& router, const config::Config& config);

class AdminListener {
 public:
  // Binds at once (throws std::runtime_error naming admin_listen if it cannot), so that a server
  // finds out before it writes anything; `router` is served, on a thread of its own, from start().
  AdminListener(const config::Config& config, const http::Router& router);
  ~AdminListener();  // stops it, if nothing has, and waits for its thread

  void start();

  uint16_t port() const { return server_->port(); }
  http::Server& server() { return *server_; }

 private:
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

}  // namespace tokengate::admin
