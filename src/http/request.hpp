#pragma once
// A parsed HTTP request as handlers see it: plain views into the connection's buffers, valid until
// the handler has responded. Keeps Beast out of everything above http/.
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace tokengate::http {

struct ClientCertificate;

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
  std::string_view dpop;  // a DPoP proof (RFC 9449 §4.1)
  int dpop_count = 0;
  std::string_view if_none_match;  // for conditional GETs of cacheable documents (RFC 9110 §13.1.2)
  std::string_view forwarded_for;  // X-Forwarded-For (the last one), honoured only from a trusted proxy
  std::string_view host;            // Host (exactly one is required: http/framing)
  // What a browser says of where the request comes from (Fetch Metadata, RFC 6454 §7): token
  // routes refuse cross-site requests, which a web page can send to a server its visitor reaches.
  std::string_view origin;
  std::string_view sec_fetch_site;

  // The client's address: the connection's peer (the IP, as text), or, when the peer is a trusted
  // proxy, the address that proxy says it forwards for. Limits are kept per address.
  std::string_view client_address;

  // The certificate the client presented in the TLS handshake, or that a trusted proxy forwarded
  // (http/client_certificate); null: none.
  const ClientCertificate* client_certificate = nullptr;

  // The event loop of the connection's thread. An asynchronous handler starts its I/O on it and
  // must respond on it (null only for requests made up by tests of synchronous handlers).
  boost::asio::io_context* loop = nullptr;
};

}  // namespace tokengate::http
