#include "front/client_gate.hpp"

#include "observe/request_context.hpp"

namespace tokengate::front {

http::Response too_many_requests(const limits::Refusal& refusal) {
  http::Response r = http::json_error(429, "too_many_requests", refusal.message);
  r.header("Retry-After", std::to_string(refusal.retry_after.count()));
  r.header("RateLimit-Policy", refusal.policy);
  r.header("RateLimit", refusal.state);
  return r;
}

std::optional<http::Respond> ClientGate::pass(const http::Request& request, std::string_view client_id, bool grant,
                                              http::Respond respond) const {
  observe::note_client_id(client_id);
  if (!limits && !trail) return respond;
  auto now = limits::ClientLimits::Clock::now();
  std::optional<limits::Refusal> refusal;
  if (limits) refusal = limits->check_failures(request.client_address, client_id, now);
  if (limits && !refusal && grant) refusal = limits->take_grant(request.client_address, client_id, now);
  if (refusal) {
    respond(too_many_requests(*refusal));
    return std::nullopt;
  }
  return [limits = limits, trail = trail, address = std::string(request.client_address), id = std::string(client_id),
          respond = std::move(respond)](http::Response r) {
    if (r.status == 401) {
      if (limits) limits->failed(address, id, limits::ClientLimits::Clock::now());
      if (trail) trail->failed_authentication(id, address);
    } else if (r.status == 200 && limits) {
      limits->succeeded(address, id);
    }
    respond(std::move(r));
  };
}

}  // namespace tokengate::front
