#include "front/routes.hpp"

#include <boost/json/serialize.hpp>

#include "cells/status.hpp"
#include "front/metadata.hpp"

namespace tokengate::front {

Routes::Routes(const Mode& mode)
    : mode_(mode), token_(mode, {.cells_compatible = false}), cells_token_(mode, {.cells_compatible = true}) {}

void Routes::add_to(http::Router& router) const {
  router.add_async("POST", "/connect/token", [this](const http::Request& r, http::Respond respond) {
    token_.handle(r, std::move(respond));
  });
  router.add_async("POST", "/v4.0/cells/connect/token", [this](const http::Request& r, http::Respond respond) {
    cells_token_.handle(r, std::move(respond));
  });

  auto metadata = [this](const http::Request&) {
    http::Response r;
    r.body = metadata_json(issuer_);
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
      r.header("Cache-Control", "public, max-age=60");
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
  router.add_prefix("/v4.0/cells/", [](const http::Request& request, http::Respond respond) {
    respond(cells::not_implemented(request));
  });
}

}  // namespace tokengate::front
