#pragma once
// The proxy's copy of the upstream's signing keys, shared by every thread: fetched through
// UpstreamDiscovery when KeyRefreshPolicy says so, one fetch at a time; callers that wait for it are
// answered on their own event loops when it ends.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "jose/public_key_set.hpp"
#include "proxy/key_refresh_policy.hpp"
#include "proxy/upstream_discovery.hpp"

namespace tokengate::proxy {

class UpstreamKeys {
 public:
  struct Snapshot {
    std::shared_ptr<const jose::PublicKeySet> keys;  // null until fetched
    std::string jwks_json;
    std::string issuer;  // the upstream's, from its metadata or the config; empty if unknown
    std::string error;   // why the last fetch failed
    std::string introspection_endpoint;  // from the upstream's metadata; empty if it names none
    std::string revocation_endpoint;
  };

  UpstreamKeys(const UpstreamDiscovery& discovery, KeyRefreshPolicy policy, std::string configured_issuer);

  // The current keys; fetches first when the policy says so for `kid` (empty: any key will do).
  // `done` runs on `loop`, the calling thread's event loop.
  void current(boost::asio::io_context& loop, std::string_view kid, std::function<void(const Snapshot&)> done) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace tokengate::proxy
