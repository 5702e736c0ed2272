#include "cells/cells_routes.hpp"

namespace tokengate::cells {

CellsRoutes::CellsRoutes(const oauth::IssuerState& state)
    : token_endpoint_(state, oauth::TokenEndpointOptions{.cells_compatible = true}) {}

void CellsRoutes::add_to(http::Router& router) const {
  router.add("POST", "/v4.0/cells/connect/token", [this](const http::Request& r) { return token_endpoint_.handle(r); });
}

}  // namespace tokengate::cells
