#pragma once
// What a health check found: whether the service can do its work, and the details (what was
// checked, with latency and recent error rate) for the readiness route and the Cells status check.
#include <boost/json/object.hpp>

namespace tokengate::observe {

struct HealthReport {
  bool healthy = true;
  boost::json::object checks;
};

}  // namespace tokengate::observe
