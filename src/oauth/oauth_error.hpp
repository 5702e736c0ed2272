#pragma once
// An RFC 6749 §5.2 error, carried to the point where the response is written.
#include <string>

#include "http/response.hpp"

namespace tokengate::oauth {

struct OAuthError {
  int status = 400;
  std::string error;        // invalid_request, invalid_client, invalid_scope, ...
  std::string description;  // a sentence the user can act on; never contains a secret
  bool basic_challenge = false;  // the client tried Basic: answer with WWW-Authenticate (RFC 6749 §5.2)

  static OAuthError invalid_request(std::string description) { return {400, "invalid_request", std::move(description)}; }
  static OAuthError invalid_client(std::string description, bool basic) {
    return {401, "invalid_client", std::move(description), basic};
  }

  http::Response to_response() const;
};

}  // namespace tokengate::oauth
