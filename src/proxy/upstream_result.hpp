#pragma once
// What one proxied call to the upstream ended with, and how that becomes our answer.
#include <chrono>
#include <memory>
#include <string>

#include "http/response.hpp"
#include "proxy/token_cache.hpp"

namespace tokengate::proxy {

struct UpstreamResult {
  enum class Outcome {
    response,      // the upstream answered (any status)
    unreachable,   // resolve/connect failed, or the connection was refused or reset before any answer
    timeout,       // the overall deadline passed
    broken,        // the answer was cut off or is not HTTP
    tls_failed,    // the TLS handshake failed (certificate not trusted, wrong host name, ...)
    circuit_open,  // the circuit breaker refused the call
  };
  Outcome outcome = Outcome::unreachable;
  int status = 0;
  std::string body;
  std::string retry_after;  // the upstream's Retry-After header, if any
  std::string dpop_nonce;   // its DPoP-Nonce header (RFC 9449 §8), if any: passed on to the caller
  std::string detail;       // what went wrong, for the error message (never holds a secret)
  std::chrono::milliseconds wait{0};  // circuit_open: until a call may go out again
  bool local = false;  // ended on our side (no free connection slot): not the upstream's failure
};

// Retries are safe only when the upstream cannot have acted: the connection failed before an
// answer, or the upstream said 502/503/504.
bool is_retryable(const UpstreamResult& r);
// Whether the result counts against the upstream's health (for the circuit breaker).
bool is_upstream_failure(const UpstreamResult& r);

struct ProxyAnswer {
  http::Response response;
  std::shared_ptr<const CachedToken> cacheable;  // a valid token response with a lifetime
};

// The answer to the caller: a valid token response intact; an upstream 4xx with its error fields
// (plus `code`/`message` where missing); 503 + Retry-After when unreachable, 504 on timeout, 502
// for anything else, including a 200 that is not a valid token response.
ProxyAnswer answer_for(const UpstreamResult& r, bool client_used_basic, Clock::time_point now);

// The same for forwarded introspection (a 200 must be an RFC 7662 §2.2 object with a boolean
// `active`, passed intact) and revocation (a 200 is answered 200, RFC 7009 §2.2).
http::Response introspection_answer(const UpstreamResult& r, bool client_used_basic);
http::Response revocation_answer(const UpstreamResult& r, bool client_used_basic);

}  // namespace tokengate::proxy
