// tokengate serve: the token service.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include "admin/admin_api.hpp"
#include "admin/admin_json.hpp"
#include "admin/admin_listener.hpp"
#include "audit/trail_writer.hpp"
#include "cli/commands.hpp"
#include "cli/key_encryption_option.hpp"
#include "cli/process_signals.hpp"
#include "cli/serve_metrics.hpp"
#include "common/base64url.hpp"
#include "common/host_name.hpp"
#include "common/random.hpp"
#include "common/token_lifetime.hpp"
#include "config/config.hpp"
#include "front/routes.hpp"
#include "http/server.hpp"
#include "issuer/client_registry.hpp"
#include "issuer/issuer_mode.hpp"
#include "issuer/key_rotation.hpp"
#include "issuer/snapshot_loader.hpp"
#include "limits/client_limits.hpp"
#include "limits/quota_leases.hpp"
#include "limits/shared_limits.hpp"
#include "oauth/dpop_nonce.hpp"
#include "observe/log.hpp"
#include "observe/metrics.hpp"
#include "proxy/proxy_mode.hpp"
#include "store/open_store.hpp"
#include "store/store_watcher.hpp"
#include "web/pages.hpp"

namespace tokengate::cli {
namespace {

struct ServeArgs {
  std::string config_file;
  std::map<std::string, std::string> flags;
};

// The audit trail as the front's sink for failed authentications (the front knows no audit trail:
// proxy mode has none).
class TrailFailureSink final : public front::FailureSink {
 public:
  explicit TrailFailureSink(audit::TrailWriter& trail) : trail_(trail) {}
  void failed_authentication(std::string_view client_id, std::string_view address) override {
    trail_.failed_authentication(client_id, address);
  }
  void locked_out(std::string_view client_id, std::string_view address) override {
    trail_.failed(audit::TrailWriter::Failure::lockout, client_id, address);
  }

 private:
  audit::TrailWriter& trail_;
};

// The audit trail as issuer mode's sink for successes worth noting.
class TrailNotes final : public issuer::AuthenticationNotes {
 public:
  explicit TrailNotes(audit::TrailWriter& trail) : trail_(trail) {}
  void used_old_secret(std::string_view client_id, std::string_view address) override {
    trail_.noted("auth.old_secret", client_id, address, "{}");
  }
  void federated(std::string_view client_id, std::string_view address, const issuer::ExternalSubject& who) override {
    trail_.noted("auth.federated", client_id, address,
                 boost::json::serialize(boost::json::object{{"issuer", who.issuer}, {"subject", who.subject}}));
  }

 private:
  audit::TrailWriter& trail_;
};

// On a store with no clients, the first start registers one and prints how to use it.
void create_demo_client(store::Store& store, const std::string& token_url) {
  issuer::ClientSpec spec;
  spec.name = "demo";
  spec.scope = "demo";
  auto demo = issuer::create_client(store, spec,
                                    audit::server_actor());
  // stdout, not the log: this is the one place a secret is shown, as `client create` shows it.
  std::cout << "\nThe store had no clients, so a demo client was created (its secret is shown only now):\n"
            << "  client_id:     " << demo.record.id << "\n"
            << "  client_secret: " << demo.secret << "\n"
            << "Get a token:\n"
            << "  curl -s -u '" << demo.record.id << ":" << demo.secret << "' -d grant_type=client_credentials "
            << token_url << "\n\n"
            << std::flush;
}

// The URL this server is known by: --issuer, else http(s)://<listen address>.
std::string advertised_issuer(const config::Config& config, uint16_t port) {
  if (!config.issuer.empty()) return config.issuer;
  bool v6 = config.listen_host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + config.listen_host + "]" : config.listen_host;
  return (config.tls_cert.empty() ? "http://" : "https://") + host + ":" + std::to_string(port);
}

bool listens_on_loopback(const config::Config& config) { return common::is_loopback_host(config.listen_host); }

// Said once at start: secrets and tokens would cross the network in clear.
void warn_if_plain_on_network(const config::Config& config) {
  if (config.tls_cert.empty() && !listens_on_loopback(config))
    spdlog::warn("listening on {} in plain HTTP: client secrets and tokens cross the network in clear; serve "
                 "HTTPS (--tls-cert, --tls-key) or put a TLS proxy in front",
                 config.listen_host);
}

// The key every node makes its DPoP nonces with (RFC 9449 §8): one for the store, made by the first
// node to start, read by the others.
std::shared_ptr<const oauth::DpopNonces> load_dpop_nonces(store::Store& store) {
  std::string candidate(32, '\0');
  common::random_bytes(candidate.data(), candidate.size());
  auto key = common::base64url_decode(store.ensure_secret("dpop_nonce_key", common::base64url_encode(candidate)));
  if (!key || key->size() < 32) throw store::StoreError("the store's DPoP nonce key is malformed");
  return std::make_shared<const oauth::DpopNonces>(std::move(*key));
}

http::ServerOptions server_options(const config::Config& config) {
  http::ServerOptions options;
  options.host = config.listen_host;
  options.port = config.listen_port;
  options.threads = static_cast<unsigned>(config.threads);
  options.access_log = config.access_log;
  options.max_connections = static_cast<size_t>(config.max_connections);
  options.trusted_proxies = {config.trusted_proxy_list.begin(), config.trusted_proxy_list.end()};
  if (!config.tls_cert.empty())
    options.tls = http::TlsFiles{.certificate = config.tls_cert,
                                 .private_key = config.tls_key,
                                 .request_client_certificate = !config.tls_client_ca.empty()};
  if (!config.tls_client_ca.empty())
    options.client_cas = std::make_shared<http::ClientCertificateAuthorities>(config.tls_client_ca);
  options.client_cert_header = config.client_cert_header;
  return options;
}

// This process's name among the nodes sharing the store: a restarted node is a new one (its
// predecessor's reported use stays counted, its leases lapse).
std::string node_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  unsigned char nonce[4];
  common::random_bytes(nonce, sizeof nonce);
  char hex[9];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", nonce[0], nonce[1], nonce[2], nonce[3]);
  return std::string(host) + "/" + std::to_string(::getpid()) + "/" + hex;
}

// The first refusal of a client's period, on whichever node: one audit entry, cluster-wide.
void audit_exhaustion(audit::TrailWriter& trail, const std::string& client_id, const limits::Quota& quota,
                      const limits::QuotaWindow& window) {
  trail.noted("quota.exhausted", client_id, "",
              boost::json::serialize(boost::json::object{{"quota", limits::quota_text(quota)},
                                                         {"period_start", admin::rfc3339(window.start)},
                                                         {"resets_at", admin::rfc3339(window.end)}}));
}

limits::LimitSettings limit_settings(const config::Config& config) {
  limits::LimitSettings s;
  s.failures = static_cast<int>(config.auth_failure_limit);
  s.address_failures = static_cast<int>(config.auth_failure_address_limit);
  s.window = std::chrono::seconds(config.auth_failure_window);
  s.client_rate = config.client_rate;
  s.address_rate = config.address_rate;
  return s;
}

// Serves `mode` on the routes until stopped (cli/process_signals.hpp). `server` is created first by the caller so
// that it is destroyed last: what the mode still holds at the end (callers waiting on an abandoned
// upstream call) goes while the event loops exist.
void serve_routes(http::Server& server, front::Routes& routes, const std::string& issuer) {
  routes.set_issuer(issuer);
  server.run();
}

// The admin listener, when admin_listen is not none: bound now, started by the caller once its
// router is filled. Says where it is.
std::unique_ptr<admin::AdminListener> bind_admin(const config::Config& config, const http::Router& router,
                                                 const char* serves) {
  if (config.admin_host.empty()) return nullptr;
  auto listener = std::make_unique<admin::AdminListener>(config, router);
  bool v6 = config.admin_host.find(':') != std::string::npos;
  spdlog::info("admin listener on {}{}{}:{} ({})", v6 ? "[" : "", config.admin_host, v6 ? "]" : "", listener->port(),
               serves);
  if (config.tls_cert.empty() && !common::is_loopback_host(config.admin_host))
    spdlog::warn("the admin listener is on {} in plain HTTP: admin tokens, client secrets and /metrics cross the "
                 "network in clear; keep it on loopback (--admin-listen 127.0.0.1:PORT) or serve HTTPS (--tls-cert)",
                 config.admin_host);
  return listener;
}

// A demo client, whose secret is printed, only where a person is trying tokengate out: the
// quick start's loopback listener and issuer on the embedded SQLite store. Never for a server
// others reach (a public issuer) or a shared database: stdout goes to journald and container logs.
bool trial_run(const config::Config& config) {
  if (!config.demo_client || !listens_on_loopback(config)) return false;
  if (!config.db.empty() && !config.db.starts_with("sqlite:")) return false;
  if (config.issuer.empty()) return true;
  auto u = boost::urls::parse_uri(config.issuer);
  return u && common::is_loopback_host(u->host());
}

// Issuer mode: clients, keys and revocations from the store, tokens signed here.
int serve_issuer(const config::Config& config) {
  // Both listeners are bound before anything is written: a node that cannot take its addresses
  // exits having changed nothing (no key, no demo client).
  http::Router router;
  http::Server server(server_options(config), router);
  http::Router admin_router;
  auto admin = bind_admin(config, admin_router, "the admin API, /metrics, /console");
  ProcessSignals signals(!config.tls_cert.empty());  // from now on SIGTERM stops both listeners, even before they run
  auto public_signals = signals.add(server);

  auto store = store::open_store(config);
  auto alg = *jose::parse_algorithm(config.signing_alg);
  auto kek_holder = load_key_encryption(config);
  const jose::KeyEncryption* kek = kek_holder ? &*kek_holder : nullptr;
  check_key_encryption(*store, kek);
  auto key = issuer::ensure_signing_key(*store, alg, kek);
  auto clients_at_start = store->list_clients();
  bool store_was_empty = clients_at_start.empty();
  int64_t longest_ttl = std::max(config.token_ttl, config.cells_token_ttl);
  for (const auto& c : clients_at_start) longest_ttl = std::max(longest_ttl, c.token_ttl);

  // The server was created before the mode, so that it is destroyed after it: a revocation still
  // being written when the server stops answers on an event loop that exists.
  issuer::IssuerState state({advertised_issuer(config, server.port()), config.audience, config.token_ttl,
                             config.key_publish_delay, issuer::load_status_list_names(*store, longest_ttl),
                             config.cells_token_ttl});
  if (state.settings.default_audience.empty()) state.settings.default_audience = state.settings.issuer;
  if (config.dpop_nonce) state.settings.dpop_nonces = load_dpop_nonces(*store);
  issuer::SnapshotLoader loader(*store, state, kek);
  store::StoreWatcher watcher(*store, [&loader] { return loader.reload(); });
  // The trail before the mode: a key fetch the mode finishes while it stops may still note a success.
  audit::TrailWriter trail(*store, {.retention_days = config.audit_retention});
  TrailFailureSink failures(trail);
  TrailNotes notes(trail);
  issuer::IssuerMode mode(state, watcher, *store);
  mode.set_notes(&notes);
  limits::ClientLimits limits(limit_settings(config));
  // Quotas and abuse limits held by all nodes on the store (one node on SQLite: quotas only).
  std::string node = node_name();
  limits::StoreLeaseSource lease_source(*store, node);
  limits::QuotaLeases quotas(lease_source, {});
  quotas.on_exhausted([&trail](const std::string& id, const limits::Quota& quota, const limits::QuotaWindow& window) {
    audit_exhaustion(trail, id, quota, window);
  });
  mode.set_quotas(&quotas);
  std::unique_ptr<limits::SharedLimits> shared_limits;
  if (store::shared_by_nodes(config)) shared_limits = std::make_unique<limits::SharedLimits>(limits, *store, node);
  mode.set_shared_limits(shared_limits.get());
  front::Routes routes(mode, {&limits, &failures});
  routes.set_client_certificates(!config.tls_client_ca.empty() || !config.client_cert_header.empty(), config.mtls_url);
  routes.add_to(router);
  web::add_public_pages(router);

  // The admin listener: the admin API (its changes reach this node at once), /metrics, the console
  // (which signs in at its own /connect/token).
  observe::Metrics::instance().set_mode("issuer");
  auto gauges = server_metrics(server);
  auto issuer_gauges = issuer_metrics(state, watcher);
  auto limit_gauges = limit_metrics(quotas, shared_limits.get());
  admin::AdminApi admin_api(*store, mode.token_verifier(), {alg, config.key_publish_delay, kek, !config.tls_cert.empty()},
                            [&watcher] { watcher.reload_now(); }, &trail);
  admin_api.add_to(admin_router);
  routes.add_token_route(admin_router, "/connect/token (admin listener)");
  admin::add_metrics_route(admin_router);
  web::add_admin_pages(admin_router);
  admin::guard_admin_hosts(admin_router, config);
  // However this function is left, the admin thread stops before what its routes use is gone.
  struct StopAdmin {
    std::unique_ptr<admin::AdminListener>& listener;
    std::shared_ptr<void> signals;
    ~StopAdmin() {
      signals.reset();
      listener.reset();
    }
  } stop_admin{admin, admin ? signals.add(admin->server()) : nullptr};

  if (store_was_empty && trial_run(config)) create_demo_client(*store, state.settings.issuer + "/connect/token");
  warn_if_plain_on_network(config);
  watcher.start();
  quotas.start();
  if (shared_limits) shared_limits->start();

  spdlog::info("tokengate {} listening on {}:{} ({} threads), issuer {}, store {}, signing key {} ({})",
               TOKENGATE_VERSION, config.listen_host, server.port(), server.threads(), state.settings.issuer,
               store::describe_store(config), key.kid, jose::to_string(key.alg));
  routes.set_issuer(state.settings.issuer);
  if (admin) admin->start();
  serve_routes(server, routes, state.settings.issuer);
  stop_admin.signals.reset();
  admin.reset();
  if (shared_limits) shared_limits->stop();
  quotas.stop();
  watcher.stop();
  spdlog::info("stopped");
  return 0;
}

// Proxy mode: token requests go to the upstream; no store is needed.
int serve_proxy(const config::Config& config) {
  http::Router router;
  http::ServerOptions options = server_options(config);
  options.drain_timeout = std::max(options.drain_timeout,
                                   std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::milliseconds(config.upstream_timeout_ms)) + std::chrono::seconds(1));
  http::Server server(options, router);
  ProcessSignals signals(!config.tls_cert.empty());
  auto public_signals = signals.add(server);

  proxy::ProxyMode mode(config);
  limits::ClientLimits limits(limit_settings(config));
  // No store: failed authentications are not audited. Authentication is the upstream's round trip,
  // so each request in flight holds a failure slot.
  front::Routes routes(mode, {&limits, nullptr, /*reserve_slots=*/true});
  routes.add_to(router);  // before the server runs
  web::add_public_pages(router);

  observe::Metrics::instance().set_mode("proxy");
  auto gauges = server_metrics(server);
  auto proxy_gauges = proxy_metrics(mode);
  http::Router admin_router;
  admin::add_metrics_route(admin_router);
  admin::guard_admin_hosts(admin_router, config);
  admin_router.add_prefix("/admin/", [](const http::Request&, http::Respond respond) {
    respond(http::json_error(404, "not_found",
                             "Proxy mode has no admin API: the upstream authorization server holds the clients and keys."));
  });
  warn_if_plain_on_network(config);
  if (config.audience.empty())
    spdlog::warn("proxy mode without --audience: the status routes accept upstream tokens for any audience");
  spdlog::info("tokengate {} listening on {}:{} ({} threads), proxy mode, upstream {}, token cache {}",
               TOKENGATE_VERSION, config.listen_host, server.port(), server.threads(), mode.upstream_url(),
               config.token_cache ? "on" : "off");
  auto admin = bind_admin(config, admin_router, "/metrics");
  auto admin_signals = admin ? signals.add(admin->server()) : nullptr;
  if (admin) admin->start();
  serve_routes(server, routes, advertised_issuer(config, server.port()));
  admin_signals.reset();
  admin.reset();
  spdlog::info("stopped");
  return 0;
}

int serve(const ServeArgs& args) {
  config::Config config = config::load(args.config_file, args.flags);
  observe::setup_logging(config.log_level, config.log_format);
  return config.upstream_token_url.empty() ? serve_issuer(config) : serve_proxy(config);
}

}  // namespace

void add_serve_command(CLI::App& app, Action& run) {
  static ServeArgs args;
  args = ServeArgs{};  // a fresh command line each time the app is built (cli::run may run more than once)
  CLI::App* cmd = app.add_subcommand("serve", "run the token service");
  cmd->add_option("--config", args.config_file, "config file (TOML); also TOKENGATE_CONFIG");
  for (const auto& key : config::keys()) {
    std::string help = key.help + " [" + key.env + ", config key " + key.key + "]";
    auto set = [name = key.key](const std::string& v) { args.flags[name] = v; };
    CLI::Option* option = cmd->add_option_function<std::string>(key.flag, set, help);
    // The last occurrence wins, so a wrapper script's defaults can be overridden by appending.
    option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    if (key.is_boolean) option->expected(0, 1)->default_str("true");
  }
  cmd->callback([&run] { run = [] { return serve(args); }; });
}

}  // namespace tokengate::cli
