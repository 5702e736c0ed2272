#pragma once
// Client authentication at the token endpoint (RFC 6749 §2.3), first half: which credentials the
// request presents. Exactly one method may be used. Checking them is the mode's part: the issuer
// compares the secret with its snapshot (issuer/client_check.hpp), the proxy asks the upstream.
#include <memory>
#include <variant>
#include <vector>

#include "oauth/client_auth_method.hpp"

namespace tokengate::oauth {

class ClientAuthenticator {
 public:
  explicit ClientAuthenticator(std::vector<std::unique_ptr<ClientAuthMethod>> methods);

  // The credentials the request presents: exactly one method may be used (RFC 6749 §2.3), and a
  // client_id in the body must match the Basic one. Checks nothing against the store.
  std::variant<PresentedCredentials, OAuthError> extract(const TokenRequest& request) const;

 private:
  std::vector<std::unique_ptr<ClientAuthMethod>> methods_;
};

}  // namespace tokengate::oauth
