#pragma once
// The Aspose Cells Cloud compatible routes. POST /v4.0/cells/connect/token is the "Post Access
// Token" API: the token endpoint of either mode (issuer or proxy), also taking ClientId and
// ClientSecret in the query.
#include <memory>

#include "http/router.hpp"
#include "oauth/issuer_state.hpp"
#include "oauth/token_endpoint.hpp"
#include "proxy/proxy_service.hpp"

namespace tokengate::cells {

class CellsRoutes {
 public:
  explicit CellsRoutes(const oauth::IssuerState& issuer);  // issuer mode
  explicit CellsRoutes(proxy::ProxyService& proxy);        // proxy mode
  void add_to(http::Router& router) const;

 private:
  std::unique_ptr<oauth::TokenEndpoint> issuer_endpoint_;
  std::unique_ptr<proxy::ProxyEndpoint> proxy_endpoint_;
};

}  // namespace tokengate::cells
