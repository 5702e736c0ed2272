#pragma once
// What the server reads out of a request Beast has parsed: the head the framing check needs
// (http/framing.hpp), and the Request the routes get. One place, used by the session and by the
// HTTP fuzz target, so the fuzzer exercises exactly what the server does.
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/framing.hpp"
#include "http/request.hpp"

namespace tokengate::http {

RequestHead head_of(const boost::beast::http::request_header<>& header);

// The views point into `message`. `offered_request_id`: the client's X-Request-Id, if any (unchecked).
Request request_of(const boost::beast::http::request<boost::beast::http::string_body>& message,
                   std::string_view& offered_request_id);

}  // namespace tokengate::http
