#include "cells/cells_routes.hpp"

namespace tokengate::cells {

constexpr const char* kTokenRoute = "/v4.0/cells/connect/token";

CellsRoutes::CellsRoutes(const oauth::IssuerState& issuer)
    : issuer_endpoint_(std::make_unique<oauth::TokenEndpoint>(issuer, oauth::TokenEndpointOptions{.cells_compatible = true})) {}

CellsRoutes::CellsRoutes(proxy::ProxyService& proxy)
    : proxy_endpoint_(std::make_unique<proxy::ProxyEndpoint>(proxy.endpoint(/*cells_compatible=*/true))) {}

void CellsRoutes::add_to(http::Router& router) const {
  if (issuer_endpoint_) {
    router.add("POST", kTokenRoute, [this](const http::Request& r) { return issuer_endpoint_->handle(r); });
  } else {
    router.add_async("POST", kTokenRoute,
                     [this](const http::Request& r, http::Respond respond) { proxy_endpoint_->handle(r, std::move(respond)); });
  }
}

}  // namespace tokengate::cells
