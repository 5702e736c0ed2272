#pragma once
// Every public route, registered once, for either mode:
//   POST /connect/token, /v4.0/cells/connect/token   the token front (RFC 6749; Cells Cloud)
//   POST /oauth2/token, /{v1.1,v3.0,v4.0}/connect/token   the same, where the Aspose SDKs look for it
//   POST /connect/introspect, /connect/revocation    RFC 7662, RFC 7009
//   GET  /statuslists, /statuslists/LIST             status lists for offline verifiers (issuer mode)
//   GET  /.well-known/oauth-authorization-server,
//        /.well-known/openid-configuration          RFC 8414 metadata
//   GET  /.well-known/jwks.json                      the mode's published keys (RFC 7517)
//   GET  /healthz, /readyz                           liveness, readiness
//   GET  /v4.0/cells, /v4.0/cells/status/check       Cells status, behind a Bearer token (RFC 6750)
//   *    /{v1.1,v3.0,v4.0}/cells/...                 501 (after the Bearer check)
#include <memory>
#include <string>
#include <vector>

#include "front/mode.hpp"
#include "front/token_front.hpp"
#include "front/token_operation_front.hpp"
#include "http/router.hpp"

namespace tokengate::front {

class Routes {
 public:
  // `gate`: the abuse limits and audit of the routes where clients authenticate.
  Routes(const Mode& mode, ClientGate gate);

  // The URL this server is known by (metadata); set before the server takes requests.
  void set_issuer(std::string issuer) { issuer_ = std::move(issuer); }
  // Client certificates reach this server (RFC 8705), at `mtls_url` when it is not the issuer.
  void set_client_certificates(bool taken, std::string mtls_url) {
    client_certificates_ = taken;
    mtls_url_ = std::move(mtls_url);
  }

  void add_to(http::Router& router) const;
  // The token route alone (POST /connect/token): the admin listener serves it to its console,
  // counted in the metrics as `metric_name`, apart from the public route's grants.
  void add_token_route(http::Router& router, std::string_view metric_name = {}) const;

 private:
  const Mode& mode_;
  std::string issuer_;
  bool client_certificates_ = false;
  std::string mtls_url_;
  TokenFront token_;        // POST /connect/token
  TokenFront cells_token_;  // POST /v4.0/cells/connect/token
  TokenFront sdk_token_;    // POST /oauth2/token, /v1.1/connect/token, /v3.0/connect/token, /v4.0/connect/token
  TokenOperationFront introspection_;
  TokenOperationFront revocation_;
};

}  // namespace tokengate::front
