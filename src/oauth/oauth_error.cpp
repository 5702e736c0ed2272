#include "oauth/oauth_error.hpp"

namespace tokengate::oauth {

http::Response OAuthError::to_response() const {
  http::Response r = http::json_error(status, error, description);
  if (basic_challenge) r.header("WWW-Authenticate", "Basic realm=\"tokengate\"");
  return r;
}

}  // namespace tokengate::oauth
