#pragma once
// The server's settings. Each has a config-file key, a TOKENGATE_* environment variable and a
// command-line flag; the precedence is flag > environment > file > default (docs/CONTRACT.md).
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tokengate::config {

// The ports of the deployment in deploy/ (nginx.conf, tokengate@.service): node N listens on
// 8080+N and has its admin listener on 9080+N.
struct PortRange {
  uint16_t first, last;
};
inline constexpr PortRange kNodePorts{8081, 8089};
inline constexpr uint16_t kAdminPortOffset = 1000;

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./tokengate-data";
  std::string db;                  // a store URL (sqlite:PATH); when set, data_dir is not used
  std::string issuer;              // empty: http://<the address the server listens on>
  std::string upstream_token_url;  // proxy mode
  std::string audience;            // default `aud`; empty: the issuer
  int64_t token_ttl = 3600;
  int64_t cells_token_ttl = 86400;  // for tokens from the Cells routes (clients without their own TTL)
  std::string signing_alg = "ES256";
  int64_t threads = 0;             // 0: one per core
  int64_t max_connections = 0;     // 0: derived from the file-descriptor limit
  int64_t auth_failure_limit = 10;          // failed authentications per (address, client ID) per window
  int64_t auth_failure_address_limit = 100; // per address, across client IDs
  int64_t auth_failure_window = 60;         // seconds
  std::string rate_limit;                   // "client=N,address=M" grants per second; empty: off
  std::string trusted_proxies;              // IP addresses, comma-separated, whose X-Forwarded-For is believed
  std::string key_encryption_key_file;  // a 256-bit key that seals the private signing keys in the store
  std::string tls_cert;            // PEM certificate chain: serve HTTPS (with tls_key)
  std::string tls_key;             // PEM private key
  // Mutual TLS (RFC 8705): the CAs client certificates chain to (tls_client_auth); with tls_cert,
  // clients are asked for a certificate (optional). client_cert_header: the header a trusted proxy
  // that terminates TLS puts the client's certificate in. mtls_url: where clients reach this
  // server with mutual TLS, when not at the issuer (RFC 8705 §5 mtls_endpoint_aliases).
  std::string tls_client_ca;
  std::string client_cert_header;
  std::string mtls_url;
  bool dpop_nonce = false;  // DPoP proofs must carry a server nonce (RFC 9449 §8)
  std::string log_level = "info";
  std::string log_format = "text"; // text or json (JSON lines)
  bool access_log = false;
  std::string admin_listen = "127.0.0.1:8081";  // the admin API, /metrics and /console; "none": off
  std::string admin_hosts;  // Host names the admin listener answers to besides IP addresses and localhost
  int64_t audit_retention = 90;    // days the audit trail keeps an entry
  bool demo_client = true;         // create and print a demo client when the store has none
  int64_t key_publish_delay = 600; // seconds `key rotate` publishes a new key before it signs

  // Proxy mode (upstream_token_url set).
  int64_t upstream_connect_timeout_ms = 2000;
  int64_t upstream_timeout_ms = 10000;   // the whole call, retries included
  int64_t upstream_retries = 2;          // 0 to 2
  int64_t upstream_max_connections = 32; // per event-loop thread
  std::string upstream_ca_file;          // empty: the system CA store
  std::string upstream_issuer;           // to discover the upstream's JWKS and check `iss`
  std::string upstream_jwks_url;         // instead of discovery
  std::string upstream_auth = "basic";   // basic or post: how the client's credentials go upstream
  std::string upstream_client_cert_header;  // the header the upstream reads a client's certificate from
  int64_t circuit_breaker_failures = 5;
  int64_t circuit_breaker_cooldown_ms = 10000;
  bool token_cache = true;
  int64_t token_cache_size = 10000;
  int64_t token_cache_max_age = 300;     // seconds: the longest the proxy may lag the upstream

  // Derived by validate(): the listen addresses split up, the rate limits and proxies parsed.
  std::string listen_host;
  uint16_t listen_port = 0;
  std::string admin_host;  // empty: no admin listener
  uint16_t admin_port = 0;
  double client_rate = 0;
  double address_rate = 0;
  std::vector<std::string> trusted_proxy_list;
};

// Invalid configuration: the message names the key and where its value came from. Exit code 2.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct KeyInfo {
  std::string key;   // file key, e.g. "data_dir"
  std::string flag;  // e.g. "--data-dir"
  std::string env;   // e.g. "TOKENGATE_DATA_DIR"
  std::string help;
  bool is_boolean = false;  // a flag that may stand alone (= true) or take =true/=false
};
const std::vector<KeyInfo>& keys();

// Layers the sources. `config_file` (the --config flag or TOKENGATE_CONFIG) may be empty.
// `flags` maps file keys to the values given on the command line. Throws ConfigError.
Config load(const std::string& config_file, const std::map<std::string, std::string>& flags);

}  // namespace tokengate::config
