#include "http/response.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace tokengate::http {

Response json_error(int status, std::string_view error, std::string_view description) {
  boost::json::object body;
  body["error"] = error;
  body["error_description"] = description;
  body["code"] = status;
  body["message"] = description;
  Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  r.no_store = true;
  return r;
}

}  // namespace tokengate::http
