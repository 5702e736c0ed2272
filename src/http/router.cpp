#include "http/router.hpp"

namespace tokengate::http {

void Router::add(std::string_view method, std::string path, Handler handler) {
  routes_.push_back(Route{std::string(method), std::move(path), std::move(handler)});
}

void Router::add_prefix(std::string prefix, Handler handler) {
  prefixes_.push_back(PrefixRoute{std::move(prefix), std::move(handler)});
}

Response Router::route(const Request& request) const {
  std::string allow;
  for (const auto& r : routes_) {
    if (r.path != request.path) continue;
    if (r.method == request.method) return r.handler(request);
    if (!allow.empty()) allow += ", ";
    allow += r.method;
  }
  if (!allow.empty()) {
    Response res = json_error(405, "method_not_allowed",
                              "Method " + std::string(request.method) + " is not allowed on " +
                                  std::string(request.path) + "; use " + allow + ".");
    res.header("Allow", allow);
    return res;
  }
  for (const auto& p : prefixes_) {
    if (request.path.starts_with(p.prefix)) return p.handler(request);
  }
  return json_error(404, "not_found", "There is no resource at " + std::string(request.path) + ".");
}

}  // namespace tokengate::http
