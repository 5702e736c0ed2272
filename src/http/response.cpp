#include "http/response.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "common/echo.hpp"

namespace tokengate::http {
std::string_view lasting_error_code(std::string_view error) {
  static constexpr std::string_view kKnown[] = {
      "invalid_request",   "invalid_client",         "invalid_grant",       "unauthorized_client",
      "unsupported_grant_type", "invalid_scope",     "invalid_target",      "invalid_token",
      "insufficient_scope", "too_many_requests",     "temporarily_unavailable", "unsupported_token_type",
      "access_denied",     "not_found",              "method_not_allowed",  "conflict",
      "server_error"};
  for (std::string_view known : kKnown) {
    if (known == error) return known;
  }
  return "other";
}

Response json_error(int status, std::string_view error, std::string_view description) {
  boost::json::object body;
  body["error"] = error;
  // Every error body is valid JSON, so valid UTF-8, whatever a message quotes.
  std::string text = common::valid_utf8(description);
  body["error_description"] = text;
  body["code"] = status;
  body["message"] = text;
  Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  r.no_store = true;
  r.error = lasting_error_code(error);
  return r;
}

}  // namespace tokengate::http
