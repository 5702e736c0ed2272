#pragma once
// The issuer's HTTP surface: the token endpoint, RFC 8414 metadata, the JWKS and health checks.
#include <functional>

#include "http/router.hpp"
#include "oauth/issuer_state.hpp"
#include "oauth/token_endpoint.hpp"

namespace tokengate::oauth {

// Owns the endpoint objects the routes call into; must outlive the router's use.
class IssuerRoutes {
 public:
  // `store_healthy` tells /readyz whether the store is reachable.
  IssuerRoutes(const IssuerState& state, std::function<bool()> store_healthy);
  void add_to(http::Router& router) const;

  // RFC 8414 §2 metadata for `issuer`.
  static std::string metadata_json(const std::string& issuer);

 private:
  const IssuerState& state_;
  std::function<bool()> store_healthy_;
  TokenEndpoint token_endpoint_;
};

}  // namespace tokengate::oauth
