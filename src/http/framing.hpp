#pragma once
// Whether a request's head frames it unambiguously (RFC 9112 §6), checked before its body is read:
// anything a front proxy and this server could read differently is refused, and the connection
// closed, so no bytes can be smuggled in as a second request.
#include <string>
#include <string_view>
#include <vector>

namespace tokengate::http {

struct RequestHead {
  unsigned version = 11;                           // 10 or 11
  int host_count = 0;
  std::vector<std::string_view> transfer_encoding;  // each Transfer-Encoding field value
  bool content_length = false;
  std::vector<std::string_view> expect;             // each Expect field value
};

struct FramingVerdict {
  enum Kind {
    read_body,           // fine: read the body
    send_continue,       // Expect: 100-continue: say "100 Continue", then read the body (RFC 9110 §10.1.1)
    refuse,              // answer `status` with `message` and close the connection
  } kind = read_body;
  int status = 0;
  std::string message;
};

FramingVerdict check_framing(const RequestHead& head);

}  // namespace tokengate::http
