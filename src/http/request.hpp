#pragma once
// A parsed HTTP request as handlers see it: plain views into the connection's buffers, valid for
// the duration of the (synchronous) handler call. Keeps Beast out of everything above http/.
#include <string_view>

namespace tokengate::http {

struct Request {
  std::string_view method;  // "GET", "POST", ...
  std::string_view path;    // the target up to '?', still percent-encoded
  std::string_view query;   // after '?', still percent-encoded; empty if none
  std::string_view body;

  // The headers handlers use. A repeated header is reported, not merged: RFC 6749 §3.2 forbids
  // repeated parameters, and two Authorization headers are ambiguous.
  std::string_view content_type;
  int content_type_count = 0;
  std::string_view authorization;
  int authorization_count = 0;
};

}  // namespace tokengate::http
