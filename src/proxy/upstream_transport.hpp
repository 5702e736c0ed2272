#pragma once
// The seam between the proxy and the network: one HTTP exchange with the upstream. UpstreamClient
// is the real one; tests drive the proxy with a scripted transport instead.
#include <functional>
#include <string>

#include "proxy/upstream_result.hpp"

namespace boost::asio {
class io_context;
}

namespace tokengate::proxy {

struct UpstreamRequest {
  enum class Method { get, post };
  Method method = Method::get;
  std::string url{};            // http:// or https://
  std::string form{};           // the application/x-www-form-urlencoded body of a POST
  std::string authorization{};  // the Authorization header, if any
  // X-Forwarded-For: the caller's address, so that an upstream that lists this proxy among its
  // trusted proxies keeps its lock-outs per caller, not per proxy. Empty: none sent.
  std::string forwarded_for{};
  // Sender-constrained tokens, passed on: the caller's DPoP proof (RFC 9449 §4.1), and its client
  // certificate in the header the upstream reads it from (`certificate_header`, URL-encoded PEM as
  // nginx sends it). Empty: none sent.
  std::string dpop{};
  std::string certificate_header{};
  std::string certificate{};
};

class UpstreamTransport {
 public:
  virtual ~UpstreamTransport() = default;
  // Sends `request` and calls `done` once with the outcome, on `loop`, which must be the calling
  // thread's event loop.
  virtual void send(boost::asio::io_context& loop, UpstreamRequest request,
                    std::function<void(UpstreamResult)> done) = 0;
};

}  // namespace tokengate::proxy
