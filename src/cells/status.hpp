#pragma once
// The Cells Cloud routes the SDKs call besides the token route (both behind a Bearer token):
//   GET /v4.0/cells               (getAsposeCellsCloudStatus)  the service status
//   GET /v4.0/cells/status/check  (checkCloudServiceHealth)    whether what tokens depend on works
// Everything else under /v4.0/cells/ answers 501: this server implements the token and status
// routes only.
#include <string_view>

#include <boost/json/object.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "observe/health_report.hpp"

namespace tokengate::cells {

// `claims`: of the caller's verified access token.
http::Response service_status(const observe::HealthReport& health, std::string_view mode,
                              const boost::json::object& claims);
http::Response health_check(observe::HealthReport health, std::string_view mode);
http::Response not_implemented(const http::Request& request);

}  // namespace tokengate::cells
