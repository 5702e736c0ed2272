#include "front/routes.hpp"

#include <boost/json/serialize.hpp>

#include "cells/status.hpp"
#include "common/echo.hpp"
#include "front/metadata.hpp"
#include "observe/metrics.hpp"

namespace tokengate::front {
namespace {

http::Response status_lists_absent() {
  return http::json_error(404, "not_found",
                          "This server publishes no status lists in proxy mode: the upstream issued the tokens.");
}

// A Cells API path at a version the Cells API does not have (/v2.0/cells/...): say which it has.
std::optional<http::Response> unknown_cells_version(const http::Request& request) {
  std::string_view path = request.path;
  if (!path.starts_with("/v")) return std::nullopt;
  size_t slash = path.find('/', 1);
  if (slash == std::string_view::npos || !path.substr(slash).starts_with("/cells")) return std::nullopt;
  std::string_view rest = path.substr(slash + 6);
  if (!rest.empty() && rest.front() != '/') return std::nullopt;
  return http::json_error(404, "not_found",
                          "The Cells API has no version '" + common::safe_echo(path.substr(1, slash - 1), 16) +
                              "': it has v1.1, v3.0 and v4.0 (the token route is POST /v3.0/cells/connect/token, "
                              "also at v1.1 and v4.0).");
}

// The metric id of a route that has a family of its own (observe/metrics.hpp).
http::MetricId metric(std::string_view name, observe::RouteKind kind) {
  return observe::Metrics::instance().register_route(name, kind);
}

}  // namespace

Routes::Routes(const Mode& mode, ClientGate gate)
    : mode_(mode),
      token_(mode, {.cells_compatible = false}, gate),
      cells_token_(mode, {.cells_compatible = true}, gate),
      sdk_token_(mode, {.sdk_compatible = true}, gate),
      introspection_(mode, TokenOperationFront::Operation::introspect, gate),
      revocation_(mode, TokenOperationFront::Operation::revoke, gate) {}

void Routes::add_token_route(http::Router& router, std::string_view metric_name) const {
  router.add_async(
      "POST", "/connect/token",
      [this](const http::Request& r, http::Respond respond) { token_.handle(r, std::move(respond)); },
      metric(metric_name.empty() ? "/connect/token" : metric_name, observe::RouteKind::token));
}

void Routes::add_to(http::Router& router) const {
  add_token_route(router);
  // The Cells Cloud token route at every API version its SDKs can be set to (Python, Go, Java,
  // .NET, PHP, Ruby and Perl authenticate at /v3.0; PostAccessToken is /v4.0).
  for (const char* path : {"/v4.0/cells/connect/token", "/v3.0/cells/connect/token", "/v1.1/cells/connect/token"}) {
    router.add_async(
        "POST", path, [this](const http::Request& r, http::Respond respond) { cells_token_.handle(r, std::move(respond)); },
        metric(path, observe::RouteKind::token));
  }
  router.set_not_found(unknown_cells_version);

  for (const char* path : {"/oauth2/token", "/v1.1/connect/token", "/v3.0/connect/token", "/v4.0/connect/token"}) {
    router.add_async(
        "POST", path, [this](const http::Request& r, http::Respond respond) { sdk_token_.handle(r, std::move(respond)); },
        metric(path, observe::RouteKind::token));
  }
  router.add_async(
      "POST", "/connect/introspect",
      [this](const http::Request& r, http::Respond respond) { introspection_.handle(r, std::move(respond)); },
      metric("/connect/introspect", observe::RouteKind::introspection));
  router.add_async(
      "POST", "/connect/revocation",
      [this](const http::Request& r, http::Respond respond) { revocation_.handle(r, std::move(respond)); },
      metric("/connect/revocation", observe::RouteKind::revocation));

  router.add("GET", "/statuslists", [this](const http::Request&) {
    const StatusLists* lists = mode_.status_lists();
    if (!lists) return status_lists_absent();
    return lists->status_list_aggregation();
  });
  router.add_prefix("/statuslists/", [this](const http::Request& request, http::Respond respond) {
    if (request.method != "GET" && request.method != "HEAD") {
      http::Response r = http::json_error(405, "method_not_allowed", "Status lists are read with GET.");
      r.header("Allow", "GET, HEAD");
      return respond(std::move(r));
    }
    const StatusLists* lists = mode_.status_lists();
    if (!lists) return respond(status_lists_absent());
    respond(lists->status_list(request, request.path.substr(std::string_view("/statuslists/").size())));
  });

  auto metadata = [this](const http::Request&) {
    http::Response r;
    r.body = metadata_json({.issuer = issuer_,
                            .issuer_mode = mode_.status_lists() != nullptr,
                            .client_certificates = client_certificates_,
                            .mtls_url = mtls_url_});
    return r;
  };
  router.add("GET", "/.well-known/oauth-authorization-server", metadata);
  router.add("GET", "/.well-known/openid-configuration", metadata);

  router.add_async("GET", "/.well-known/jwks.json", [this](const http::Request& request, http::Respond respond) {
    mode_.published_keys(*request.loop, [respond = std::move(respond)](PublishedKeys keys) {
      if (keys.jwks_json.empty())
        return respond(http::json_error(503, "temporarily_unavailable", "The signing keys are not available: " + keys.error));
      http::Response r;
      r.content_type = "application/jwk-set+json";
      r.body = std::move(keys.jwks_json);
      // Short: after a rotation, verifiers pick up the new key within a minute anyway.
      r.header("Cache-Control", "public, max-age=" + std::to_string(keys.max_age));
      respond(std::move(r));
    });
  });

  router.add("GET", "/healthz", [](const http::Request&) {
    http::Response r;
    r.body = R"({"status":"ok"})";
    return r;
  });
  router.add("GET", "/readyz", [this](const http::Request&) {
    observe::HealthReport ready = mode_.readiness();
    boost::json::object body{{"status", ready.healthy ? "ready" : "not_ready"}};
    for (auto& [name, value] : ready.checks) body[name] = value;
    http::Response r;
    r.status = ready.healthy ? 200 : 503;
    r.body = boost::json::serialize(body);
    return r;
  });

  router.add_async("GET", "/v4.0/cells", [this](const http::Request& request, http::Respond respond) {
    oauth::with_valid_token(mode_.token_verifier(), request, std::move(respond),
                            [this](const boost::json::object& claims, http::Respond respond) {
                              respond(cells::service_status(mode_.health(), mode_.name(), claims));
                            });
  });
  router.add_async("GET", "/v4.0/cells/status/check", [this](const http::Request& request, http::Respond respond) {
    oauth::with_valid_token(mode_.token_verifier(), request, std::move(respond),
                            [this](const boost::json::object&, http::Respond respond) {
                              respond(cells::health_check(mode_.health(), mode_.name()));
                            });
  });
  // The rest of the Cells Cloud API, at every version the SDKs address: like the real service, a
  // call needs a valid token first (so an SDK holding a revoked one hears 401 and fetches anew),
  // then this server says it implements the token and status routes only.
  for (const char* prefix : {"/v4.0/cells/", "/v3.0/cells/", "/v1.1/cells/"}) {
    router.add_prefix(prefix, [this](const http::Request& request, http::Respond respond) {
      oauth::with_valid_token(mode_.token_verifier(), request, std::move(respond),
                              [&request](const boost::json::object&, http::Respond respond) {
                                respond(cells::not_implemented(request));
                              });
    });
  }
}

}  // namespace tokengate::front
