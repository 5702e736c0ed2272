#include "http/beast_request.hpp"

#include "common/ascii.hpp"

namespace tokengate::http {

namespace bhttp = boost::beast::http;

RequestHead head_of(const bhttp::request_header<>& header) {
  RequestHead head;
  head.version = header.version() == 10 ? 10 : 11;
  for (const auto& field : header) {
    switch (field.name()) {
      case bhttp::field::host: ++head.host_count; break;
      case bhttp::field::transfer_encoding: head.transfer_encoding.push_back(field.value()); break;
      case bhttp::field::content_length: head.content_length = true; break;
      case bhttp::field::expect: head.expect.push_back(field.value()); break;
      default: break;
    }
  }
  return head;
}

Request request_of(const bhttp::request<bhttp::string_body>& message, std::string_view& offered_request_id) {
  Request request;
  request.method = message.method_string();
  std::string_view target = message.target();
  size_t q = target.find('?');
  request.path = target.substr(0, q);
  if (q != std::string_view::npos) request.query = target.substr(q + 1);
  for (const auto& field : message) {
    if (field.name() == bhttp::field::authorization) {
      request.authorization = field.value();
      ++request.authorization_count;
    } else if (field.name() == bhttp::field::content_type) {
      request.content_type = field.value();
      ++request.content_type_count;
    } else if (field.name() == bhttp::field::if_none_match) {
      request.if_none_match = field.value();
    } else if (field.name() == bhttp::field::host) {
      request.host = field.value();
    } else if (field.name() == bhttp::field::origin) {
      request.origin = field.value();
    } else if (common::iequals(field.name_string(), "DPoP")) {
      request.dpop = field.value();
      ++request.dpop_count;
    } else if (common::iequals(field.name_string(), "Sec-Fetch-Site")) {
      request.sec_fetch_site = field.value();
    } else if (common::iequals(field.name_string(), "X-Forwarded-For")) {
      request.forwarded_for = field.value();
    } else if (common::iequals(field.name_string(), "X-Request-Id")) {
      offered_request_id = field.value();
    }
  }
  request.body = message.body();
  return request;
}

}  // namespace tokengate::http
