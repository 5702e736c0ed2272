#include "cells/status_routes.hpp"

#include <boost/json/serialize.hpp>

namespace tokengate::cells {

StatusRoutes::StatusRoutes(const oauth::AccessTokenVerifier& verifier, std::string mode,
                           std::function<HealthReport()> health)
    : verifier_(verifier), mode_(std::move(mode)), health_(std::move(health)) {}

void StatusRoutes::add_to(http::Router& router) const {
  router.add_async("GET", "/v4.0/cells", [this](const http::Request& request, http::Respond respond) {
    oauth::with_valid_token(verifier_, request, std::move(respond), [this](const auto& claims, http::Respond respond) {
      HealthReport report = health_();
      boost::json::object body{{"status", report.healthy ? "running" : "degraded"},
                               {"service", "tokengate"},
                               {"version", TOKENGATE_VERSION},
                               {"mode", mode_}};
      if (auto it = claims.find("client_id"); it != claims.end()) body["client_id"] = it->value();
      http::Response r;
      r.body = boost::json::serialize(body);
      respond(std::move(r));
    });
  });

  router.add_async("GET", "/v4.0/cells/status/check", [this](const http::Request& request, http::Respond respond) {
    oauth::with_valid_token(verifier_, request, std::move(respond), [this](const auto&, http::Respond respond) {
      HealthReport report = health_();
      boost::json::object body{{"status", report.healthy ? "healthy" : "unhealthy"}, {"mode", mode_}};
      body["checks"] = std::move(report.checks);
      http::Response r;
      r.status = report.healthy ? 200 : 503;
      r.body = boost::json::serialize(body);
      respond(std::move(r));
    });
  });

  router.add_prefix("/v4.0/cells/", [](const http::Request& request, http::Respond respond) {
    respond(http::json_error(
        501, "not_implemented",
        "tokengate implements the Aspose.Cells Cloud token and status routes only (POST /v4.0/cells/connect/token, "
        "GET /v4.0/cells, GET /v4.0/cells/status/check); " + std::string(request.method) + " " +
            std::string(request.path) + " is not one of them."));
  });
}

}  // namespace tokengate::cells
