#include "front/client_gate.hpp"

#include "common/ascii.hpp"
#include "common/host_name.hpp"
#include "observe/request_context.hpp"

namespace tokengate::front {
namespace {

// "scheme://host[:port]" → "host[:port]"; empty if it is not such an origin.
std::string_view origin_authority(std::string_view origin) {
  size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return {};
  return origin.substr(scheme_end + 3);
}

}  // namespace

http::Response too_many_requests(const limits::Refusal& refusal) {
  http::Response r = http::json_error(429, "too_many_requests", refusal.message);
  r.header("Retry-After", std::to_string(refusal.retry_after.count()));
  r.header("RateLimit-Policy", refusal.policy);
  r.header("RateLimit", refusal.state);
  return r;
}

bool cross_site(const http::Request& request) {
  if (!request.sec_fetch_site.empty()) return common::iequals(request.sec_fetch_site, "cross-site");
  if (request.origin.empty()) return false;  // not a browser, or a same-origin GET
  std::string_view authority = origin_authority(request.origin);
  if (authority.empty()) return true;  // "null": a sandboxed frame, a data: URL
  // Behind a proxy the Host may have lost the port the browser used (nginx's $host): then the
  // host names are compared.
  std::string_view host = request.host;
  bool host_has_port = !host.empty() && host.back() != ']' && host.find(':') != std::string_view::npos;
  if (host_has_port) return !common::iequals(authority, host);
  return !common::iequals(common::host_without_port(authority), host);
}

std::optional<http::Response> ClientGate::refusal_before(const http::Request& request, std::string_view client_id,
                                                         bool grant, limits::ClientLimits::Reservation& held,
                                                         std::optional<limits::Refusal>* lock_out) const {
  held = {};
  if (cross_site(request))
    return http::json_error(403, "invalid_request",
                            "Cross-site requests from a web browser are refused here: a client's secret does not "
                            "belong in a page another site serves. Call this endpoint from your server.");
  if (!limits) return std::nullopt;
  auto now = limits::ClientLimits::Clock::now();
  std::optional<limits::Refusal> refusal = reserve_slots ? limits->reserve(request.client_address, client_id, now, held)
                                                         : limits->check_failures(request.client_address, client_id, now);
  if (refusal && lock_out && !reserve_slots) {  // checked anyway; only a failure is refused
    *lock_out = std::move(refusal);
    refusal.reset();
  }
  if (!refusal && grant) {
    refusal = limits->take_address_grant(request.client_address, now);
    if (refusal) {
      limits->release(request.client_address, client_id, held);
      held = {};
    }
  }
  if (refusal) return too_many_requests(*refusal);
  return std::nullopt;
}

std::optional<http::Respond> ClientGate::pass(const http::Request& request, std::string_view client_id, bool grant,
                                              http::Respond respond, bool cheap_to_check) const {
  observe::note_client_id(client_id);
  limits::ClientLimits::Reservation held;
  std::optional<limits::Refusal> lock_out;
  if (auto refusal = refusal_before(request, client_id, grant, held, cheap_to_check ? &lock_out : nullptr)) {
    respond(std::move(*refusal));
    return std::nullopt;
  }
  if (!limits && !failures) return respond;
  return [limits = limits, failures = failures, reserving = reserve_slots, held, lock_out = std::move(lock_out),
          address = std::string(request.client_address), id = std::string(client_id),
          respond = std::move(respond)](http::Response r) {
    // Locked out and wrong: the lock-out's 429, neither counted again nor audited again (as when it
    // was refused before it was checked). Locked out and right: served, as from anywhere else.
    if (lock_out && r.status == 401) return respond(too_many_requests(*lock_out));
    // The answer is counted before its slot is given back, so no other guess takes the slot first.
    if (r.status == 401) {
      bool locked_now = limits && limits->failed(address, id, limits::ClientLimits::Clock::now());
      if (failures) {
        failures->failed_authentication(id, address);
        if (locked_now) failures->locked_out(id, address);
      }
    } else if (r.status == 200 && limits && !lock_out) {  // a success does not lift a lock-out
      limits->succeeded(address, id, /*remember=*/reserving);
    }
    if (limits) limits->release(address, id, held);
    respond(std::move(r));
  };
}

std::optional<http::Response> ClientGate::admit(std::string_view client_id) const {
  if (!limits || !limits->limits_client_rate()) return std::nullopt;
  if (auto refusal = limits->take_client_grant(client_id, limits::ClientLimits::Clock::now()))
    return too_many_requests(*refusal);
  return std::nullopt;
}

}  // namespace tokengate::front
