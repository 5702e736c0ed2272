#include "cells/status.hpp"

#include <string>

#include <boost/json/serialize.hpp>

#include "common/echo.hpp"

namespace tokengate::cells {

http::Response service_status(const observe::HealthReport& health, std::string_view mode,
                              const boost::json::object& claims) {
  boost::json::object body{{"status", health.healthy ? "running" : "degraded"},
                           {"service", "tokengate"},
                           {"version", TOKENGATE_VERSION},
                           {"mode", mode}};
  if (auto it = claims.find("client_id"); it != claims.end()) body["client_id"] = it->value();
  http::Response r;
  r.body = boost::json::serialize(body);
  return r;
}

http::Response health_check(observe::HealthReport health, std::string_view mode) {
  boost::json::object body{{"status", health.healthy ? "healthy" : "unhealthy"}, {"mode", mode}};
  body["checks"] = std::move(health.checks);
  http::Response r;
  r.status = health.healthy ? 200 : 503;
  r.body = boost::json::serialize(body);
  return r;
}

http::Response not_implemented(const http::Request& request) {
  return http::json_error(
      501, "not_implemented",
      "tokengate implements the Aspose.Cells Cloud token and status routes only (POST /v4.0/cells/connect/token, "
      "GET /v4.0/cells, GET /v4.0/cells/status/check); " + common::safe_echo(request.method, 16) + " " +
          common::safe_echo(request.path) + " is not one of them.");
}

}  // namespace tokengate::cells
