#include "http/router.hpp"

#include "common/echo.hpp"

namespace tokengate::http {

void Router::add(std::string_view method, std::string path, Handler handler) {
  add_async(method, std::move(path),
            [handler = std::move(handler)](const Request& request, Respond respond) { respond(handler(request)); });
}

void Router::add_async(std::string_view method, std::string path, AsyncHandler handler) {
  routes_.push_back(Route{std::string(method), std::move(path), std::move(handler)});
}

void Router::add_prefix(std::string prefix, AsyncHandler handler) {
  std::string name = prefix + "*";
  prefixes_.push_back(Route{std::move(name), std::move(prefix), std::move(handler)});
}

std::string_view Router::route_name(const Request& request) const {
  for (const auto& r : routes_) {
    if (r.path == request.path) return r.path;
  }
  for (const auto& p : prefixes_) {
    if (request.path.starts_with(p.path)) return p.method;  // the prefix with a '*'
  }
  return "-";
}

void Router::route(const Request& request, Respond respond) const {
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
  respond(json_error(404, "not_found", "There is no resource at " + common::safe_echo(request.path) + "."));
}

}  // namespace tokengate::http
