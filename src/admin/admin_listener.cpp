#include "admin/admin_listener.hpp"

#include <algorithm>
#include <stdexcept>

#include "common/ascii.hpp"
#include "common/host_name.hpp"
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


bool admin_host_allowed(std::string_view host, const std::vector<std::string>& extra_names) {
  std::string_view name = common::host_without_port(host);
  if (name.empty()) return false;
  if (common::is_ip_literal(name) || common::iequals(name, "localhost")) return true;
  return std::any_of(extra_names.begin(), extra_names.end(), [&](const std::string& n) { return common::iequals(n, name); });
}

void guard_admin_hosts(http::Router& router, const config::Config& config) {
  std::vector<std::string> names;
  std::string_view list = config.admin_hosts;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) names.emplace_back(item);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  router.set_guard([names = std::move(names)](const http::Request& request) -> std::optional<http::Response> {
    if (admin_host_allowed(request.host, names)) return std::nullopt;
    return http::json_error(403, "forbidden",
                            "The admin listener answers only to an IP address or localhost in the Host header (a web "
                            "page reaching it under another name could read it); name other hosts with --admin-hosts.");
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
  if (!config.tls_cert.empty()) options.tls = http::TlsFiles{.certificate = config.tls_cert, .private_key = config.tls_key};
  try {
    server_ = std::make_unique<http::Server>(options, router);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) +
                             " (the admin listener: choose another address with --admin-listen HOST:PORT, or turn "
                             "it off with --admin-listen none)");
  }
}

void AdminListener::start() {
  thread_ = std::thread([this] { server_->run(); });
}

AdminListener::~AdminListener() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace tokengate::admin
