#include "http/router.hpp"

#include "common/echo.hpp"
#include "observe/metrics.hpp"

namespace tokengate::http {

void Router::add(std::string_view method, std::string path, Handler handler, std::optional<MetricId> metric) {
  add_async(
      method, std::move(path),
      [handler = std::move(handler)](const Request& request, Respond respond) { respond(handler(request)); }, metric);
}

void Router::add_async(std::string_view method, std::string path, AsyncHandler handler, std::optional<MetricId> metric) {
  MetricId id = metric ? *metric : observe::Metrics::instance().register_route(path, observe::RouteKind::other);
  routes_.push_back(Route{std::string(method), std::move(path), std::move(handler), id});
}

void Router::add_prefix(std::string prefix, AsyncHandler handler) {
  std::string name = prefix + "*";
  uint16_t metric = observe::Metrics::instance().register_route(name, observe::RouteKind::other);
  prefixes_.push_back(Route{std::move(name), std::move(prefix), std::move(handler), metric});
}

RouteInfo Router::route_info(const Request& request) const {
  for (const auto& r : routes_) {
    if (r.path == request.path) return {r.path, r.metric};
  }
  for (const auto& p : prefixes_) {
    if (request.path.starts_with(p.path)) return {p.method, p.metric};  // the prefix with a '*'
  }
  return {"-", 0};
}

std::vector<std::pair<std::string, std::string>> Router::list() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : routes_) out.emplace_back(r.method, r.path);
  for (const auto& p : prefixes_) out.emplace_back("*", p.method);
  return out;
}

void Router::route(const Request& request, Respond respond) const {
  if (guard_) {
    if (auto refusal = guard_(request)) return respond(std::move(*refusal));
  }
  std::string allow;
  // HEAD is answered as GET (the session sends the head only), RFC 9110 §9.3.2.
  std::string_view method = request.method == "HEAD" ? std::string_view("GET") : request.method;
  for (const auto& r : routes_) {
    if (r.path != request.path) continue;
    if (r.method == method) return r.handler(request, std::move(respond));
    if (!allow.empty()) allow += ", ";
    allow += r.method == "GET" ? "GET, HEAD" : r.method;
  }
  if (!allow.empty()) {
    Response res = json_error(405, "method_not_allowed",
                              "Method " + common::safe_echo(request.method, 16) + " is not allowed on " +
                                  common::safe_echo(request.path) + "; use " + allow + ".");
    res.header("Allow", allow);
    return respond(std::move(res));
  }
  for (const auto& p : prefixes_) {
    if (request.path.starts_with(p.path)) return p.handler(request, std::move(respond));
  }
  if (not_found_) {
    if (auto said = not_found_(request)) return respond(std::move(*said));
  }
  respond(json_error(404, "not_found", "There is no resource at " + common::safe_echo(request.path) + "."));
}

}  // namespace tokengate::http
