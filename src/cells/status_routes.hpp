#pragma once
// The Cells Cloud routes the SDKs call besides the token route:
//   GET /v4.0/cells               (getAsposeCellsCloudStatus)  the service status
//   GET /v4.0/cells/status/check  (checkCloudServiceHealth)    whether what tokens depend on works
// Both need a valid Bearer access token (RFC 6750). Everything else under /v4.0/cells/ answers 501:
// this server implements the token and status routes only.
#include <functional>
#include <string>

#include <boost/json/object.hpp>

#include "http/router.hpp"
#include "oauth/bearer.hpp"

namespace tokengate::cells {

struct HealthReport {
  bool healthy = true;
  boost::json::object checks;  // what was checked, with latency and recent error rate
};

class StatusRoutes {
 public:
  StatusRoutes(const oauth::AccessTokenVerifier& verifier, std::string mode, std::function<HealthReport()> health);
  void add_to(http::Router& router) const;

 private:
  const oauth::AccessTokenVerifier& verifier_;
  std::string mode_;
  std::function<HealthReport()> health_;
};

}  // namespace tokengate::cells
