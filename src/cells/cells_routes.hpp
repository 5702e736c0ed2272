#pragma once
// The Aspose Cells Cloud compatible routes. POST /v4.0/cells/connect/token is the "Post Access
// Token" API: the same token endpoint, also taking ClientId/ClientSecret in the query.
#include "http/router.hpp"
#include "oauth/issuer_state.hpp"
#include "oauth/token_endpoint.hpp"

namespace tokengate::cells {

class CellsRoutes {
 public:
  explicit CellsRoutes(const oauth::IssuerState& state);
  void add_to(http::Router& router) const;

 private:
  oauth::TokenEndpoint token_endpoint_;
};

}  // namespace tokengate::cells
