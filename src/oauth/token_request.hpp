#pragma once
// A token request after the transport-level checks: the HTTP request plus its decoded body and
// query parameters.
#include "http/request.hpp"
#include "oauth/form.hpp"

namespace tokengate::oauth {

struct TokenRequest {
  const http::Request& http;
  FormParams body;
  FormParams query;
};

}  // namespace tokengate::oauth
