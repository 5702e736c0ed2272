#pragma once
// The issuer's HTTP surface: the token endpoint, RFC 8414 metadata, the JWKS and health checks.
#include <boost/json/object.hpp>

#include "http/router.hpp"
#include "oauth/issuer_state.hpp"
#include "oauth/token_endpoint.hpp"
#include "store/store_watcher.hpp"

namespace tokengate::oauth {

// Owns the endpoint objects the routes call into; must outlive the router's use.
class IssuerRoutes {
 public:
  // `watcher` tells /readyz whether the store is reachable.
  IssuerRoutes(const IssuerState& state, const store::StoreWatcher& watcher);
  void add_to(http::Router& router) const;

  // RFC 8414 §2 metadata for `issuer`.
  static std::string metadata_json(const std::string& issuer);

  // The store and signing key, as the Cells status check reports them.
  boost::json::object health(bool& healthy) const;

 private:
  const IssuerState& state_;
  const store::StoreWatcher& watcher_;
  TokenEndpoint token_endpoint_;
};

}  // namespace tokengate::oauth
