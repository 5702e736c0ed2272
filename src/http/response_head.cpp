#include "http/response_head.hpp"

#include <charconv>

#include <boost/beast/http/status.hpp>

namespace tokengate::http {
namespace {

void append_number(std::string& out, size_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

bool safe(std::string_view s) { return s.find_first_of("\r\n") == std::string_view::npos; }

void append_header(std::string& out, std::string_view name, std::string_view value) {
  if (!safe(name) || !safe(value)) return;
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

}  // namespace

void write_response_head(const Response& response, unsigned version, bool keep_alive, std::string& out,
                         std::string_view request_id) {
  out.clear();
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  append_number(out, static_cast<size_t>(response.status));
  out += ' ';
  out += boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(response.status));
  out += "\r\n";
  if (!response.content_type.empty()) append_header(out, "Content-Type", response.content_type);
  if (response.no_store) out += "Cache-Control: no-store\r\nPragma: no-cache\r\n";
  // Every body is what its Content-Type says: never to be sniffed into HTML or script.
  if (response.status != 204 && response.status != 304) out += "X-Content-Type-Options: nosniff\r\n";
  for (const auto& [name, value] : response.headers) append_header(out, name, value);
  if (!request_id.empty()) append_header(out, "X-Request-Id", request_id);
  if (!keep_alive && version == 11) out += "Connection: close\r\n";
  if (keep_alive && version == 10) out += "Connection: keep-alive\r\n";
  // RFC 9110 §8.6: none on a 204 or a 304 (a 304's would have to be the 200's, which it lacks).
  if (response.status != 204 && response.status != 304) {
    out += "Content-Length: ";
    append_number(out, response.body.size());
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace tokengate::http
