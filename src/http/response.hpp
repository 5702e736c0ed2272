#pragma once
// A response as handlers produce it; the session serialises it.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokengate::http {

struct Response {
  int status = 200;
  std::string_view content_type = "application/json";  // always a literal
  std::string body;
  bool no_store = false;  // Cache-Control: no-store + Pragma: no-cache (RFC 6749 §5.1)
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // For metrics: the error code of an error response ("" otherwise; always a literal), and
  // whether a 5xx was the upstream's doing (proxy mode).
  std::string_view error;
  bool upstream_failure = false;

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// A JSON error body in the shape docs/CONTRACT.md gives every error: the RFC 6749 §5.2 members plus
// the `code` and `message` members that the Aspose Cells Cloud SDKs read.
Response json_error(int status, std::string_view error, std::string_view description);

// `error` as a literal that outlives any response: itself if it is a code this server knows, else
// "other" (for Response::error, when the code comes from elsewhere: an upstream).
std::string_view lasting_error_code(std::string_view error);

}  // namespace tokengate::http
