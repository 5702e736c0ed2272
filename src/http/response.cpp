#include "http/response.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "common/echo.hpp"

namespace tokengate::http {

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
  return r;
}

}  // namespace tokengate::http
