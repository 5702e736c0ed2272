#pragma once
// Where a client authenticates, the abuse limits (limits/ClientLimits) are asked first and told how
// it went: a request from a locked-out address, or over a rate, gets 429 with Retry-After and the
// RateLimit headers; a 401 counts as a failed authentication (and goes to the audit trail, as does
// the failure that starts a lock-out), a success clears the pair's count. The same for both modes:
// in proxy mode the upstream's 401 counts, so a flood of wrong secrets is stopped here instead of
// being forwarded, and each request in flight holds a failure slot (`reserve_slots`), so that
// concurrent guesses cannot outrun the limit while the upstream thinks.
//
// Before anything is counted, a request a browser marks as cross-site is refused: any web page
// could otherwise make its visitors' browsers post wrong secrets and lock their address out.
#include <optional>
#include <string_view>

#include "http/router.hpp"
#include "limits/client_limits.hpp"

namespace tokengate::front {

// Where the gate reports failed authentications: the audit trail in issuer mode (the composition
// root adapts it); proxy mode has no store and reports nowhere. Called on request threads: an
// implementation must not wait on I/O.
class FailureSink {
 public:
  virtual ~FailureSink() = default;
  virtual void failed_authentication(std::string_view client_id, std::string_view address) = 0;
  // The failure that locked the (address, client ID) pair or the address out.
  virtual void locked_out(std::string_view client_id, std::string_view address) = 0;
};

struct ClientGate {
  limits::ClientLimits* limits = nullptr;  // null: no limits (unit tests)
  FailureSink* failures = nullptr;         // null: failures are reported nowhere (proxy mode)
  bool reserve_slots = false;              // authentication takes a round trip (proxy mode)

  // Why the request is refused before it is authenticated (cross-site, locked out, over the
  // address's rate), or nullopt; a slot reserved here is released by pass()'s wrapper.
  // With `lock_out` given, a lock-out is not refused but put there, for pass() to answer a failure with.
  std::optional<http::Response> refusal_before(const http::Request& request, std::string_view client_id, bool grant,
                                               limits::ClientLimits::Reservation& held,
                                               std::optional<limits::Refusal>* lock_out = nullptr) const;
  // The respond to go on with (the caller's `respond`, wrapped to learn from the answer: a 401
  // counts as a failure, a slot held is released); nullopt when the request was refused here, the
  // refusal already sent through `respond`, and the caller must do nothing more.
  //
  // `cheap_to_check`: the credentials cost a hash to check (a secret; a certificate, whose chain
  // was checked with its connection). A lock-out is there to shed the load of failures, not to stop
  // a guess, which 256 random bits make hopeless: such a request from a locked-out address is
  // still checked, served if its credentials are right, and only a failure gets the 429. An
  // assertion (a signature to verify) or a call that goes upstream (proxy mode) is refused at once.
  std::optional<http::Respond> pass(const http::Request& request, std::string_view client_id, bool grant,
                                    http::Respond respond, bool cheap_to_check = false) const;

  // Once the client has authenticated, before it is granted a token: the client's own rate limit
  // (429), or nullopt. Charged only here, so that nobody who merely knows a client's ID spends it.
  std::optional<http::Response> admit(std::string_view client_id) const;
};

// The 429 for a refusal.
http::Response too_many_requests(const limits::Refusal& refusal);

// Whether a browser says the request comes from another site (Sec-Fetch-Site: cross-site; without
// Fetch Metadata, an Origin whose host is not the Host the request was sent to, or "null").
bool cross_site(const http::Request& request);

}  // namespace tokengate::front
