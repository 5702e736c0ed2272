#include "http/framing.hpp"

#include "common/ascii.hpp"

namespace tokengate::http {
namespace {

using common::trim_ows;

FramingVerdict refuse(int status, std::string message) { return {FramingVerdict::refuse, status, std::move(message)}; }

}  // namespace

FramingVerdict check_framing(const RequestHead& head) {
  // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host.
  if (head.version == 11 && head.host_count != 1)
    return refuse(400, head.host_count == 0 ? "An HTTP/1.1 request needs a Host header (RFC 9112 §3.2)."
                                            : "The request has more than one Host header (RFC 9112 §3.2).");

  if (!head.transfer_encoding.empty()) {
    // All field values together are one list of codings (RFC 9110 §5.3).
    std::vector<std::string_view> codings;
    for (std::string_view value : head.transfer_encoding) {
      while (!value.empty()) {
        size_t comma = value.find(',');
        std::string_view coding = trim_ows(value.substr(0, comma));
        if (!coding.empty()) codings.push_back(coding);
        value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      }
    }
    // RFC 9112 §6.3 ¶4: without chunked as the final coding the length cannot be known: 400, close.
    if (codings.empty() || !common::iequals(codings.back(), "chunked"))
      return refuse(400, "The request's Transfer-Encoding does not end in chunked, so its length cannot be "
                         "determined (RFC 9112 §6.3).");
    if (codings.size() > 1)
      return refuse(501, "The request uses a transfer coding this server does not implement; only chunked is "
                         "(RFC 9112 §6.1).");
    // §6.3 ¶3: both framings at once is how requests are smuggled.
    if (head.content_length)
      return refuse(400, "The request has both Transfer-Encoding and Content-Length (RFC 9112 §6.3).");
    if (head.version != 11) return refuse(400, "Transfer-Encoding needs HTTP/1.1 (RFC 9112 §6.1).");
  }

  if (!head.expect.empty()) {
    if (head.expect.size() == 1 && common::iequals(trim_ows(head.expect[0]), "100-continue"))
      return head.version == 11 ? FramingVerdict{FramingVerdict::send_continue, 0, {}} : FramingVerdict{};
    return refuse(417, "The only expectation this server meets is 100-continue (RFC 9110 §10.1.1).");
  }
  return {};
}

}  // namespace tokengate::http
