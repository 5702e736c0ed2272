#pragma once
// Proxy mode, resource-server side: the upstream's signing keys, found through its RFC 8414 / OIDC
// metadata (or configured), cached, and fetched again when a token names an unknown kid (at most
// every 5 s) or when they are older than 5 minutes. Verifies access tokens with them.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "jose/public_key_set.hpp"
#include "oauth/bearer.hpp"
#include "proxy/circuit_breaker.hpp"
#include "proxy/upstream_client.hpp"

namespace boost::asio {
class io_context;
}

namespace tokengate::proxy {

class UpstreamJwks final : public oauth::AccessTokenVerifier {
 public:
  // Where to look: upstream_jwks_url if set; else the metadata of upstream_issuer, or of the origin
  // of upstream_token_url. Tokens must have `iss` = the upstream's issuer (when known) and, when
  // `audience` is set, that audience.
  explicit UpstreamJwks(const config::Config& config);

  void verify(std::string_view token, std::function<void(Result)> done) const override;

  struct Snapshot {
    std::shared_ptr<const jose::PublicKeySet> keys;  // null until fetched
    std::string jwks_json;
    std::string issuer;  // the upstream's, from its metadata or the config; empty if unknown
    std::string error;   // why the last fetch failed
  };
  // The current keys; fetches first when there are none yet, or `kid` is unknown and may be refetched.
  void current(std::string_view kid, std::function<void(const Snapshot&)> done) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace tokengate::proxy
