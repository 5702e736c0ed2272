#pragma once
// What distinguishes the two modes, and nothing else. The token front and the routes are the same
// for both; a mode supplies what answers a valid token request (issuer: sign a token; proxy: ask the
// upstream), the keys this server publishes, how Bearer tokens are checked, and its health.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "front/client_gate.hpp"
#include "http/router.hpp"
#include "oauth/bearer.hpp"
#include "oauth/client_auth_method.hpp"
#include "oauth/token_request.hpp"
#include "observe/health_report.hpp"

namespace tokengate::front {

// A JWKS document (RFC 7517 §5), or why there is none.
struct PublishedKeys {
  std::string jwks_json;  // empty: unavailable
  std::string error;
  int64_t max_age = 60;   // seconds verifiers may cache it: shorter than the key publish delay
};

// One list (GET /statuslists/LIST) and the aggregation of them (GET /statuslists, §9).
class StatusLists {
 public:
  virtual ~StatusLists() = default;
  virtual http::Response status_list(const http::Request& request, std::string_view list) const = 0;
  virtual http::Response status_list_aggregation() const = 0;
};

class Mode {
 public:
  virtual ~Mode() = default;

  virtual std::string_view name() const = 0;  // "issuer" or "proxy"

  // Answers a token request the front has accepted: grant_type=client_credentials, the client's
  // credentials extracted (not yet checked). Once they are, and before a token is granted, asks
  // `gate.admit` (the client's own rate limit). Responds once, on the request's event loop; `gate`
  // outlives the call.
  virtual void issue_token(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                           const ClientGate& gate, http::Respond respond) const = 0;

  // Introspection (RFC 7662 §2) and revocation (RFC 7009 §2) of `token`, asked by the client whose
  // credentials the front extracted (not yet checked: they are, before a missing token is refused).
  // Respond once, on the request's event loop.
  virtual void introspect(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                          std::optional<std::string_view> token, http::Respond respond) const = 0;
  virtual void revoke(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                      std::optional<std::string_view> token, http::Respond respond) const = 0;

  // Status lists for offline verifiers (draft-ietf-oauth-status-list), or null: only the issuer
  // has any.
  virtual const StatusLists* status_lists() const { return nullptr; }

  // The keys clients verify our tokens with; `done` runs once, on `loop`.
  virtual void published_keys(boost::asio::io_context& loop, std::function<void(PublishedKeys)> done) const = 0;

  // Checks Bearer access tokens for the API routes.
  virtual const oauth::AccessTokenVerifier& token_verifier() const = 0;

  // For /readyz: whether to send traffic here, with a few flat fields saying why.
  virtual observe::HealthReport readiness() const = 0;
  // For the Cells status check: what the tokens depend on, in detail.
  virtual observe::HealthReport health() const = 0;
};

}  // namespace tokengate::front
