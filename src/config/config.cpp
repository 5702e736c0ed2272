#include "config/config.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>

#include <boost/url/parse.hpp>
#include <toml++/toml.h>

#include "common/token_lifetime.hpp"
#include "jose/algorithm.hpp"

namespace tokengate::config {
namespace {

// How a key is read from text (environment, flags) and from TOML, and where it is stored.
struct Field {
  KeyInfo info;
  enum Kind { text, integer, boolean } kind;
  std::function<void(Config&, const std::string&)> set_text;
  std::function<void(Config&, int64_t)> set_integer;
  std::function<void(Config&, bool)> set_boolean;
};

Field text_field(KeyInfo info, std::string Config::*member) {
  return {std::move(info), Field::text, [member](Config& c, const std::string& v) { c.*member = v; }, {}, {}};
}
Field integer_field(KeyInfo info, int64_t Config::*member) {
  return {std::move(info), Field::integer, {}, [member](Config& c, int64_t v) { c.*member = v; }, {}};
}
Field boolean_field(KeyInfo info, bool Config::*member) {
  return {std::move(info), Field::boolean, {}, {}, [member](Config& c, bool v) { c.*member = v; }};
}

const std::vector<Field>& fields() {
  static const std::vector<Field> all = {
      text_field({"listen", "--listen", "TOKENGATE_LISTEN", "address to listen on, HOST:PORT"}, &Config::listen),
      text_field({"data_dir", "--data-dir", "TOKENGATE_DATA_DIR", "directory of the embedded SQLite store"},
                 &Config::data_dir),
      text_field({"db", "--db", "TOKENGATE_DB",
                  "store URL: sqlite:PATH, or postgresql://USER@HOST:PORT/DB?PARAMS (any libpq URI parameter; the "
                  "password from the URI, PGPASSWORD or ~/.pgpass); overrides data_dir"},
                 &Config::db),
      text_field({"issuer", "--issuer", "TOKENGATE_ISSUER", "issuer URL (default: http://LISTEN)"}, &Config::issuer),
      text_field({"upstream_token_url", "--upstream-token-url", "TOKENGATE_UPSTREAM_TOKEN_URL",
                  "proxy mode: the upstream token endpoint"},
                 &Config::upstream_token_url),
      text_field({"audience", "--audience", "TOKENGATE_AUDIENCE",
                  "the aud of issued tokens (default: the issuer) and the aud the status routes require "
                  "(proxy mode: unchecked when unset)"},
                 &Config::audience),
      integer_field({"token_ttl", "--token-ttl", "TOKENGATE_TOKEN_TTL", "default token lifetime, seconds"},
                    &Config::token_ttl),
      integer_field({"cells_token_ttl", "--cells-token-ttl", "TOKENGATE_CELLS_TOKEN_TTL",
                     "token lifetime on the Aspose SDK routes (/{v1.1,v3.0,v4.0}/cells/connect/token, /oauth2/token, "
                     "/{v1.1,v3.0,v4.0}/connect/token) for clients without their own, seconds (the SDKs renew "
                     "after 86,300 s)"},
                    &Config::cells_token_ttl),
      text_field({"signing_alg", "--signing-alg", "TOKENGATE_SIGNING_ALG",
                  "algorithm of a newly generated key: ES256, EdDSA or RS256"},
                 &Config::signing_alg),
      integer_field({"threads", "--threads", "TOKENGATE_THREADS", "event-loop threads (0: one per core)"},
                    &Config::threads),
      integer_field({"auth_failure_limit", "--auth-failure-limit", "TOKENGATE_AUTH_FAILURE_LIMIT",
                     "failed client authentications for one client ID from one address within the window before "
                     "that pair gets 429 (0: off)"},
                    &Config::auth_failure_limit),
      integer_field({"auth_failure_address_limit", "--auth-failure-address-limit",
                     "TOKENGATE_AUTH_FAILURE_ADDRESS_LIMIT",
                     "failed client authentications from one address, any client ID, within the window before the "
                     "address gets 429 (0: off)"},
                    &Config::auth_failure_address_limit),
      integer_field({"auth_failure_window", "--auth-failure-window", "TOKENGATE_AUTH_FAILURE_WINDOW",
                     "seconds over which failed authentications are counted, and a lock-out lasts"},
                    &Config::auth_failure_window),
      text_field({"rate_limit", "--rate-limit", "TOKENGATE_RATE_LIMIT",
                  "grants per second, a token bucket: client=N (per client ID), address=M (per address), "
                  "comma-separated (default: off)"},
                 &Config::rate_limit),
      text_field({"trusted_proxies", "--trusted-proxies", "TOKENGATE_TRUSTED_PROXIES",
                  "IP addresses of proxies (e.g. nginx) whose X-Forwarded-For names the client, comma-separated"},
                 &Config::trusted_proxies),
      text_field({"key_encryption_key_file", "--key-encryption-key-file", "TOKENGATE_KEY_ENCRYPTION_KEY_FILE",
                  "a file holding a 256-bit key (64 hex digits, or base64) that encrypts the private signing keys "
                  "in the store (AES-256-GCM); a store so encrypted cannot be used without it"},
                 &Config::key_encryption_key_file),
      text_field({"tls_cert", "--tls-cert", "TOKENGATE_TLS_CERT",
                  "serve HTTPS (TLS 1.2 and 1.3) with this PEM certificate chain; reloaded on SIGHUP and when it changes"},
                 &Config::tls_cert),
      text_field({"tls_key", "--tls-key", "TOKENGATE_TLS_KEY", "the PEM private key of tls_cert"}, &Config::tls_key),
      text_field({"tls_client_ca", "--tls-client-ca", "TOKENGATE_TLS_CLIENT_CA",
                  "PEM CA certificates (and intermediates) that client certificates of tls_client_auth clients "
                  "chain to; with tls_cert, clients are asked for a certificate (RFC 8705)"},
                 &Config::tls_client_ca),
      text_field({"client_cert_header", "--client-cert-header", "TOKENGATE_CLIENT_CERT_HEADER",
                  "the header in which a trusted proxy forwards the client's TLS certificate (nginx: "
                  "$ssl_client_escaped_cert; or RFC 9440 Client-Cert); the proxy must always set it"},
                 &Config::client_cert_header),
      text_field({"mtls_url", "--mtls-url", "TOKENGATE_MTLS_URL",
                  "the base URL where clients reach this server with mutual TLS, when it is not the issuer "
                  "(RFC 8705 mtls_endpoint_aliases)"},
                 &Config::mtls_url),
      boolean_field({"dpop_nonce", "--dpop-nonce", "TOKENGATE_DPOP_NONCE",
                  "DPoP proofs must carry a nonce from this server (RFC 9449 §8), valid on every node"},
                 &Config::dpop_nonce),
      integer_field({"max_connections", "--max-connections", "TOKENGATE_MAX_CONNECTIONS",
                     "connections open at once; more are refused with 503 (0: the file-descriptor limit less 64)"},
                    &Config::max_connections),
      text_field({"log_level", "--log-level", "TOKENGATE_LOG_LEVEL", "trace, debug, info, warn, error or off"},
                 &Config::log_level),
      text_field({"log_format", "--log-format", "TOKENGATE_LOG_FORMAT",
                  "text, or json: one JSON object per line (time, level, message, request_id, route, client_id, ...)"},
                 &Config::log_format),
      boolean_field({"access_log", "--access-log", "TOKENGATE_ACCESS_LOG", "log each request at debug level"},
                    &Config::access_log),
      text_field({"admin_listen", "--admin-listen", "TOKENGATE_ADMIN_LISTEN",
                  "HOST:PORT of the admin listener (the admin API, /metrics, /console), or none"},
                 &Config::admin_listen),
      text_field({"admin_hosts", "--admin-hosts", "TOKENGATE_ADMIN_HOSTS",
                  "host names the admin listener answers to besides IP addresses and localhost, comma-separated "
                  "(a DNS-rebinding page names another)"},
                 &Config::admin_hosts),
      integer_field({"audit_retention", "--audit-retention", "TOKENGATE_AUDIT_RETENTION",
                     "days the audit trail keeps an entry"},
                    &Config::audit_retention),
      boolean_field({"demo_client", "--demo-client", "TOKENGATE_DEMO_CLIENT",
                     "create and print a demo client when the store has none"},
                    &Config::demo_client),
      integer_field({"key_publish_delay", "--key-publish-delay", "TOKENGATE_KEY_PUBLISH_DELAY",
                     "seconds a rotated key is published in the JWKS before it signs (key rotate; the JWKS "
                     "max-age stays below it)"},
                    &Config::key_publish_delay),
      integer_field({"upstream_connect_timeout_ms", "--upstream-connect-timeout-ms",
                     "TOKENGATE_UPSTREAM_CONNECT_TIMEOUT_MS", "proxy: connect timeout, ms"},
                    &Config::upstream_connect_timeout_ms),
      integer_field({"upstream_timeout_ms", "--upstream-timeout-ms", "TOKENGATE_UPSTREAM_TIMEOUT_MS",
                     "proxy: deadline for a whole upstream call, retries included, ms"},
                    &Config::upstream_timeout_ms),
      integer_field({"upstream_retries", "--upstream-retries", "TOKENGATE_UPSTREAM_RETRIES",
                     "proxy: retries of a failed upstream call (0 to 2)"},
                    &Config::upstream_retries),
      integer_field({"upstream_max_connections", "--upstream-max-connections", "TOKENGATE_UPSTREAM_MAX_CONNECTIONS",
                     "proxy: upstream connections per thread"},
                    &Config::upstream_max_connections),
      text_field({"upstream_ca_file", "--upstream-ca-file", "TOKENGATE_UPSTREAM_CA_FILE",
                  "proxy: CA certificates (PEM) to verify the upstream with, instead of the system store"},
                 &Config::upstream_ca_file),
      text_field({"upstream_issuer", "--upstream-issuer", "TOKENGATE_UPSTREAM_ISSUER",
                  "proxy: the upstream's issuer URL, for its metadata (JWKS) and the iss check (default: the "
                  "origin of upstream_token_url)"},
                 &Config::upstream_issuer),
      text_field({"upstream_jwks_url", "--upstream-jwks-url", "TOKENGATE_UPSTREAM_JWKS_URL",
                  "proxy: the upstream's JWKS, instead of finding it in its metadata"},
                 &Config::upstream_jwks_url),
      text_field({"upstream_auth", "--upstream-auth", "TOKENGATE_UPSTREAM_AUTH",
                  "proxy: send credentials upstream with basic (HTTP Basic) or post (form body)"},
                 &Config::upstream_auth),
      text_field({"upstream_client_cert_header", "--upstream-client-cert-header", "TOKENGATE_UPSTREAM_CLIENT_CERT_HEADER",
                  "proxy mode: pass a client's TLS certificate to the upstream in this header (URL-encoded PEM, as "
                  "nginx's $ssl_client_escaped_cert), for RFC 8705 client authentication and bound tokens there"},
                 &Config::upstream_client_cert_header),
      integer_field({"circuit_breaker_failures", "--circuit-breaker-failures", "TOKENGATE_CIRCUIT_BREAKER_FAILURES",
                     "proxy: consecutive upstream failures that open the circuit"},
                    &Config::circuit_breaker_failures),
      integer_field({"circuit_breaker_cooldown_ms", "--circuit-breaker-cooldown-ms",
                     "TOKENGATE_CIRCUIT_BREAKER_COOLDOWN_MS", "proxy: how long an open circuit refuses calls, ms"},
                    &Config::circuit_breaker_cooldown_ms),
      boolean_field({"token_cache", "--token-cache", "TOKENGATE_TOKEN_CACHE",
                     "proxy: reuse upstream tokens and share identical calls in flight"},
                    &Config::token_cache),
      integer_field({"token_cache_size", "--token-cache-size", "TOKENGATE_TOKEN_CACHE_SIZE",
                     "proxy: most tokens kept in the cache"},
                    &Config::token_cache_size),
      integer_field({"token_cache_max_age", "--token-cache-max-age", "TOKENGATE_TOKEN_CACHE_MAX_AGE",
                     "proxy: seconds a token is served from the cache at most, whatever its lifetime: the "
                     "longest the proxy may lag the upstream (a rotated secret, a disabled client)"},
                    &Config::token_cache_max_age),
  };
  return all;
}

std::optional<int64_t> parse_integer(const std::string& text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<bool> parse_boolean(const std::string& text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return std::nullopt;
}

void set_from_text(Config& config, const Field& f, const std::string& value, const std::string& source) {
  switch (f.kind) {
    case Field::text: f.set_text(config, value); return;
    case Field::integer: {
      auto v = parse_integer(value);
      if (!v) throw ConfigError(f.info.key + " (from " + source + ") must be an integer, got '" + value + "'");
      f.set_integer(config, *v);
      return;
    }
    case Field::boolean: {
      auto v = parse_boolean(value);
      if (!v) throw ConfigError(f.info.key + " (from " + source + ") must be true or false, got '" + value + "'");
      f.set_boolean(config, *v);
      return;
    }
  }
}

void apply_file(Config& config, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError("config file " + path + " line " + std::to_string(where.line) + ": " +
                      std::string(e.description()));
  }
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    const Field* field = nullptr;
    for (const auto& f : fields()) {
      if (f.info.key == name) field = &f;
    }
    if (!field) throw ConfigError("config file " + path + ": unknown key '" + name + "'");
    std::string where = "config file " + path;
    switch (field->kind) {
      case Field::text:
        if (!node.is_string()) throw ConfigError(name + " (in " + where + ") must be a string");
        field->set_text(config, *node.value<std::string>());
        break;
      case Field::integer:
        if (!node.is_integer()) throw ConfigError(name + " (in " + where + ") must be an integer");
        field->set_integer(config, *node.value<int64_t>());
        break;
      case Field::boolean:
        if (!node.is_boolean()) throw ConfigError(name + " (in " + where + ") must be true or false");
        field->set_boolean(config, *node.value<bool>());
        break;
    }
  }
}

void check_url(const std::string& key, const std::string& value) {
  bool scheme_ok = value.starts_with("http://") || value.starts_with("https://");
  size_t host_start = value.find("://") + 3;
  if (!scheme_ok || value.size() <= host_start || value.find_first_of("?# ") != std::string::npos)
    throw ConfigError(key + " must be an http:// or https:// URL without query or fragment, got '" + value + "'");
  // Credentials in a URL would end up in logs and messages; they belong to the client instead.
  std::string authority = value.substr(host_start, value.find('/', host_start) - host_start);
  if (authority.find('@') != std::string::npos) throw ConfigError(key + " must not contain user:password@");
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= text.size()) {
    size_t comma = text.find(',', i);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(i, comma - i);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    i = comma + 1;
  }
  return out;
}

// rate_limit: "client=N,address=M", each optional.
void parse_rate_limit(Config& c) {
  c.client_rate = c.address_rate = 0;
  for (const auto& item : split_list(c.rate_limit)) {
    size_t eq = item.find('=');
    std::string name = item.substr(0, eq);
    double* target = name == "client" ? &c.client_rate : name == "address" ? &c.address_rate : nullptr;
    char* end = nullptr;
    double value = eq == std::string::npos ? 0 : std::strtod(item.c_str() + eq + 1, &end);
    if (!target || eq == std::string::npos || end == item.c_str() + eq + 1 || *end != '\0' || !(value >= 1) ||
        value > 1e7)
      throw ConfigError("rate_limit must be client=N and/or address=M, grants per second from 1 to 10000000 (e.g. client=100,address=50), "
                        "got '" + c.rate_limit + "'");
    *target = value;
  }
}

// HOST:PORT (HOST an IP address, IPv6 in brackets) into its parts.
void split_address(const char* key, const std::string& value, std::string& host, uint16_t& port_out) {
  size_t colon = value.rfind(':');
  auto port = colon == std::string::npos ? std::nullopt : parse_integer(value.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535 || colon == 0)
    throw ConfigError(std::string(key) + " must be HOST:PORT with a port from 0 to 65535, got '" + value + "'");
  host = value.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  port_out = static_cast<uint16_t>(*port);
  unsigned char addr[16];
  if (inet_pton(AF_INET, host.c_str(), addr) != 1 && inet_pton(AF_INET6, host.c_str(), addr) != 1)
    throw ConfigError(std::string(key) + " must name an IP address (such as 127.0.0.1, 0.0.0.0 or [::1]), got '" +
                      value + "'");
}

bool is_wildcard(const std::string& host) { return host == "0.0.0.0" || host == "::"; }

// The admin listener must never take a public port: its own node's, or (with the ports of the
// deployment in deploy/, public 8081-8089 and admin 9081-9089) another node's, as the default admin
// port 8081 would for every node but the first. Refused before anything is bound or written.
void check_listeners_apart(const Config& c) {
  if (c.admin_host.empty() || c.admin_port == 0 || c.listen_port == 0) return;
  bool hosts_meet = c.admin_host == c.listen_host || is_wildcard(c.admin_host) || is_wildcard(c.listen_host);
  if (hosts_meet && c.admin_port == c.listen_port)
    throw ConfigError("admin_listen (" + c.admin_listen + ") is the public listener's address (listen = " + c.listen +
                      "): give the admin listener an address of its own, e.g. --admin-listen 127.0.0.1:" +
                      std::to_string(c.listen_port >= kNodePorts.first && c.listen_port <= kNodePorts.last
                                         ? c.listen_port + kAdminPortOffset
                                         : 8081) +
                      ", or turn it off with --admin-listen none");
  auto in_node_range = [](uint16_t port) { return port >= kNodePorts.first && port <= kNodePorts.last; };
  if (in_node_range(c.listen_port) && in_node_range(c.admin_port))
    throw ConfigError("admin_listen (" + c.admin_listen + ") is the public port of node " +
                      std::to_string(c.admin_port - kNodePorts.first + 1) + " of the deployment in deploy/ (nodes " +
                      "listen on " + std::to_string(kNodePorts.first) + "-" + std::to_string(kNodePorts.last) +
                      "): nginx would publish this node's admin API there. Use --admin-listen 127.0.0.1:" +
                      std::to_string(c.listen_port + kAdminPortOffset) + " (node N's admin port is " +
                      std::to_string(kNodePorts.first + kAdminPortOffset) + "+N-1)");
}

void validate(Config& c) {
  split_address("listen", c.listen, c.listen_host, c.listen_port);
  c.admin_host.clear();
  c.admin_port = 0;
  if (c.admin_listen != "none") split_address("admin_listen", c.admin_listen, c.admin_host, c.admin_port);
  check_listeners_apart(c);
  if (c.log_format != "text" && c.log_format != "json")
    throw ConfigError("log_format must be text or json, got '" + c.log_format + "'");

  if (!c.issuer.empty()) {
    check_url("issuer", c.issuer);
    while (c.issuer.back() == '/') c.issuer.pop_back();
  }
  if (!c.upstream_token_url.empty()) check_url("upstream_token_url", c.upstream_token_url);
  if (!c.upstream_issuer.empty()) check_url("upstream_issuer", c.upstream_issuer);  // kept exact: iss must match
  if (!c.upstream_jwks_url.empty()) check_url("upstream_jwks_url", c.upstream_jwks_url);
  if (c.token_ttl < 1 || c.token_ttl > common::kMaxTokenLifetime)
    throw ConfigError("token_ttl must be from 1 to " + std::to_string(common::kMaxTokenLifetime) +
                      " seconds (31 days), got " + std::to_string(c.token_ttl));
  if (c.cells_token_ttl < 1 || c.cells_token_ttl > common::kMaxTokenLifetime)
    throw ConfigError("cells_token_ttl must be from 1 to " + std::to_string(common::kMaxTokenLifetime) +
                      " seconds (31 days), got " + std::to_string(c.cells_token_ttl));
  if (!jose::parse_algorithm(c.signing_alg))
    throw ConfigError("signing_alg must be ES256, EdDSA, RS256 or PS256, got '" + c.signing_alg + "'");
  if (c.tls_cert.empty() != c.tls_key.empty())
    throw ConfigError(std::string(c.tls_cert.empty() ? "tls_key" : "tls_cert") + " is set but " +
                      (c.tls_cert.empty() ? "tls_cert" : "tls_key") + " is not: HTTPS needs both");
  if (!c.mtls_url.empty()) check_url("mtls_url", c.mtls_url);
  for (auto [key, value] : {std::pair<const char*, const std::string*>{"client_cert_header", &c.client_cert_header},
                             {"upstream_client_cert_header", &c.upstream_client_cert_header}})
    for (char ch : *value)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_')
        throw ConfigError(std::string(key) + " must be a header name (letters, digits, '-'), got '" + *value + "'");
  if (c.max_connections < 0 || c.max_connections > 10000000)
    throw ConfigError("max_connections must be from 0 (derived from the file-descriptor limit) to 10000000, got " +
                      std::to_string(c.max_connections));
  if (c.threads < 0 || c.threads > 256)
    throw ConfigError("threads must be from 0 (one per core) to 256, got " + std::to_string(c.threads));
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
  bool level_ok = false;
  for (const char* l : kLevels) level_ok = level_ok || c.log_level == l;
  if (!level_ok) throw ConfigError("log_level must be trace, debug, info, warn, error or off, got '" + c.log_level + "'");
  if (c.data_dir.empty() && c.db.empty()) throw ConfigError("data_dir must not be empty");
  if (c.db.starts_with("postgres://") || c.db.starts_with("postgresql://")) {
    auto u = boost::urls::parse_uri(c.db);
    if (!u) throw ConfigError("db is not a valid PostgreSQL connection URI (postgresql://USER@HOST:PORT/DB?PARAMS)");
  }

  auto check_range = [](const char* key, int64_t value, int64_t lo, int64_t hi) {
    if (value < lo || value > hi)
      throw ConfigError(std::string(key) + " must be from " + std::to_string(lo) + " to " + std::to_string(hi) +
                        ", got " + std::to_string(value));
  };
  check_range("auth_failure_limit", c.auth_failure_limit, 0, 1000000);
  check_range("auth_failure_address_limit", c.auth_failure_address_limit, 0, 1000000);
  check_range("auth_failure_window", c.auth_failure_window, 1, 24 * 3600);
  parse_rate_limit(c);
  c.trusted_proxy_list.clear();
  for (auto& proxy : split_list(c.trusted_proxies)) {
    unsigned char addr[16];
    if (inet_pton(AF_INET, proxy.c_str(), addr) != 1 && inet_pton(AF_INET6, proxy.c_str(), addr) != 1)
      throw ConfigError("trusted_proxies must list IP addresses, got '" + proxy + "'");
    c.trusted_proxy_list.push_back(proxy);
  }
  check_range("key_publish_delay", c.key_publish_delay, 0, 7 * 24 * 3600);
  check_range("audit_retention", c.audit_retention, 1, 36500);
  check_range("upstream_connect_timeout_ms", c.upstream_connect_timeout_ms, 1, 600000);
  check_range("upstream_timeout_ms", c.upstream_timeout_ms, 1, 600000);
  check_range("upstream_retries", c.upstream_retries, 0, 2);
  check_range("upstream_max_connections", c.upstream_max_connections, 1, 10000);
  check_range("circuit_breaker_failures", c.circuit_breaker_failures, 1, 1000000);
  check_range("circuit_breaker_cooldown_ms", c.circuit_breaker_cooldown_ms, 1, 3600000);
  check_range("token_cache_size", c.token_cache_size, 1, 100000000);
  check_range("token_cache_max_age", c.token_cache_max_age, 1, 24 * 3600);
  if (c.upstream_auth != "basic" && c.upstream_auth != "post")
    throw ConfigError("upstream_auth must be basic or post, got '" + c.upstream_auth + "'");
}

}  // namespace

const std::vector<KeyInfo>& keys() {
  static const std::vector<KeyInfo> all = [] {
    std::vector<KeyInfo> out;
    for (const auto& f : fields()) {
      out.push_back(f.info);
      out.back().is_boolean = f.kind == Field::boolean;
    }
    return out;
  }();
  return all;
}

Config load(const std::string& config_file, const std::map<std::string, std::string>& flags) {
  Config config;
  std::string file = config_file;
  if (file.empty()) {
    if (const char* env = std::getenv("TOKENGATE_CONFIG")) file = env;
  }
  if (!file.empty()) apply_file(config, file);
  for (const auto& f : fields()) {
    if (const char* env = std::getenv(f.info.env.c_str())) set_from_text(config, f, env, f.info.env);
  }
  for (const auto& f : fields()) {
    auto it = flags.find(f.info.key);
    if (it != flags.end()) set_from_text(config, f, it->second, f.info.flag);
  }
  validate(config);
  return config;
}

}  // namespace tokengate::config
