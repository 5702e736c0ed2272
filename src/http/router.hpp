#pragma once
// Maps (method, path) to a handler. Unknown paths get a JSON 404, known paths with another method
// a JSON 405 with Allow (RFC 9110 §15.5.6).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace tokengate::http {

using Handler = std::function<Response(const Request&)>;

class Router {
 public:
  void add(std::string_view method, std::string path, Handler handler);
  // Every path that starts with `prefix` and has no exact route goes to `handler` (any method).
  void add_prefix(std::string prefix, Handler handler);

  Response route(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    Handler handler;
  };
  struct PrefixRoute {
    std::string prefix;
    Handler handler;
  };
  std::vector<Route> routes_;  // a handful: a linear scan beats hashing here
  std::vector<PrefixRoute> prefixes_;
};

}  // namespace tokengate::http
