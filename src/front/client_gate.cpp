#include "front/client_gate.hpp"

namespace tokengate::front {

http::Response too_many_requests(const limits::Refusal& refusal) {
  http::Response r = http::json_error(429, "too_many_requests", refusal.message);
  r.header("Retry-After", std::to_string(refusal.retry_after.count()));
  r.header("RateLimit-Policy", refusal.policy);
  r.header("RateLimit", refusal.state);
  return r;
}

std::optional<http::Respond> pass_client_gate(limits::ClientLimits* limits, const http::Request& request,
                                              std::string_view client_id, bool grant, http::Respond respond) {
  if (!limits) return respond;
  auto now = limits::ClientLimits::Clock::now();
  auto refusal = limits->check_failures(request.client_address, client_id, now);
  if (!refusal && grant) refusal = limits->take_grant(request.client_address, client_id, now);
  if (refusal) {
    respond(too_many_requests(*refusal));
    return std::nullopt;
  }
  return [limits, address = std::string(request.client_address), id = std::string(client_id),
          respond = std::move(respond)](http::Response r) {
    if (r.status == 401) limits->failed(address, id, limits::ClientLimits::Clock::now());
    else if (r.status == 200) limits->succeeded(address, id);
    respond(std::move(r));
  };
}

}  // namespace tokengate::front
