#pragma once
// Maps (method, path) to a handler. Unknown paths get a JSON 404, known paths with another method
// a JSON 405 with Allow (RFC 9110 §15.5.6).
//
// Most handlers are plain functions from request to response. An asynchronous handler (the proxy,
// which waits for an upstream) gets a `Respond` callback instead and must call it exactly once, on
// the thread it was called on; the request's views stay valid until then.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace tokengate::http {

using Handler = std::function<Response(const Request&)>;
using Respond = std::function<void(Response)>;
using AsyncHandler = std::function<void(const Request&, Respond)>;

// The route a request goes to, as registered: its name ("/connect/token", "/v4.0/cells/*", or "-"
// for none) is what logs and metrics name instead of the path, which may hold anything a client sent.
struct RouteInfo {
  std::string_view name;
  uint16_t metric = 0;  // the id its requests are counted under (observe::Metrics::register_route)
};

// The id a route's requests are counted under, opaque here: whoever adds the route registers it
// with the metrics (front/routes.cpp). Without one, the route is counted among "other" routes
// under its path.
using MetricId = uint16_t;

class Router {
 public:
  void add(std::string_view method, std::string path, Handler handler, std::optional<MetricId> metric = {});
  void add_async(std::string_view method, std::string path, AsyncHandler handler, std::optional<MetricId> metric = {});
  // Every path under `prefix` without a route of its own goes to `handler`, whatever the method.
  void add_prefix(std::string prefix, AsyncHandler handler);

  void route(const Request& request, Respond respond) const;

  // Asked before any route: a response refuses the request, nullopt lets it through.
  void set_guard(std::function<std::optional<Response>(const Request&)> guard) { guard_ = std::move(guard); }

  // Asked when no route matches, for a 404 that says more than "no resource" (nullopt: the plain one).
  void set_not_found(std::function<std::optional<Response>(const Request&)> explain) { not_found_ = std::move(explain); }

  RouteInfo route_info(const Request& request) const;
  std::string_view route_name(const Request& request) const { return route_info(request).name; }

  // Every route: (method, path), prefixes as ("*", "/prefix/*"). For the check that the OpenAPI
  // documents describe every route.
  std::vector<std::pair<std::string, std::string>> list() const;

 private:
  struct Route {
    std::string method;
    std::string path;
    AsyncHandler handler;
    uint16_t metric = 0;
  };
  std::vector<Route> routes_;  // a handful: a linear scan beats hashing here
  std::vector<Route> prefixes_;  // path = the prefix; method = its name for the log (prefix + '*')
  std::function<std::optional<Response>(const Request&)> guard_;
  std::function<std::optional<Response>(const Request&)> not_found_;
};

}  // namespace tokengate::http
