#pragma once
// The request a thread is handling, for the log lines written meanwhile: its request id (from
// X-Request-Id, or made here), route, client ID once known, and at the end its status and time.
// Set by the session around the handler and around the response; read by the log formatter.
#include <cstdint>
#include <string>
#include <string_view>

namespace tokengate::observe {

struct RequestContext {
  std::string request_id;
  std::string client_id;      // as presented (never a secret); empty until a front knows it
  std::string_view method;    // valid while the request is
  std::string_view route;     // the route's registered name, never the path
  int status = 0;             // set for the access log line
  int64_t duration_us = -1;   // likewise
};

// The request this thread is handling, or null.
RequestContext* current_request();

// Makes `context` the current request until destroyed (nested scopes restore the outer one).
class RequestScope {
 public:
  explicit RequestScope(RequestContext& context);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  RequestContext* previous_;
};

// The client the current request is about (a front calls it once it has read the credentials).
void note_client_id(std::string_view id);

// Sets `out` to `offered` (an X-Request-Id) if it is 1 to 128 characters of [A-Za-z0-9._:-],
// else to a new id of 16 hex digits.
void assign_request_id(std::string& out, std::string_view offered);

}  // namespace tokengate::observe
