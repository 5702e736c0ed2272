#pragma once
// Finding and fetching the upstream's signing keys: its RFC 8414 metadata (or, failing that, its
// OpenID Connect discovery document) names its issuer and jwks_uri; the JWKS is then fetched and
// parsed. One fetch is a short chain of upstream calls, each through the transport.
#include <functional>
#include <memory>
#include <string>

#include "jose/public_key_set.hpp"
#include "proxy/upstream_transport.hpp"

namespace tokengate::proxy {

// Where to look, from the configuration.
struct UpstreamLocation {
  std::string jwks_url;       // configured: no discovery
  std::string metadata_base;  // else: the issuer (or the token URL's origin) whose metadata to read
  std::string issuer;         // configured issuer; the metadata must agree with it
};

struct DiscoveryResult {
  std::shared_ptr<const jose::PublicKeySet> keys;  // null if the fetch failed
  std::string jwks_json;
  std::string issuer;  // the configured issuer, else the one the metadata names; may be empty
  std::string error;   // why the fetch failed
  // What the metadata names (RFC 8414 §2), when it was read and they are absolute http(s) URLs.
  std::string introspection_endpoint;
  std::string revocation_endpoint;
};

class UpstreamDiscovery {
 public:
  UpstreamDiscovery(UpstreamTransport& transport, UpstreamLocation where);

  // Fetches the keys; `done` runs once, on `loop` (the calling thread's event loop).
  void fetch(boost::asio::io_context& loop, std::function<void(DiscoveryResult)> done) const;

 private:
  void discover(boost::asio::io_context& loop, size_t which, std::function<void(DiscoveryResult)> done) const;
  void fetch_jwks(boost::asio::io_context& loop, std::string url, DiscoveryResult found,
                  std::function<void(DiscoveryResult)> done) const;

  UpstreamTransport& transport_;
  UpstreamLocation where_;
};

}  // namespace tokengate::proxy
