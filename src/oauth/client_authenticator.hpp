#pragma once
// Client authentication at the token endpoint (RFC 6749 §2.3): exactly one method, then the
// secret checked against the snapshot in constant time.
#include <memory>
#include <string_view>
#include <variant>
#include <vector>

#include "oauth/client_auth_method.hpp"
#include "store/client_snapshot.hpp"

namespace tokengate::oauth {

using AuthResult = std::variant<const store::ClientRecord*, OAuthError>;

class ClientAuthenticator {
 public:
  explicit ClientAuthenticator(std::vector<std::unique_ptr<ClientAuthMethod>> methods);

  // The credentials the request presents: exactly one method may be used (RFC 6749 §2.3), and a
  // client_id in the body must match the Basic one. Checks nothing against the store.
  std::variant<PresentedCredentials, OAuthError> extract(const TokenRequest& request) const;

  // An unknown client, a wrong secret and a disabled client get the same error after the same
  // work (one digest, one constant-time compare), so client IDs cannot be probed.
  AuthResult authenticate(const TokenRequest& request, const store::ClientSnapshot& clients) const;

 private:
  std::vector<std::unique_ptr<ClientAuthMethod>> methods_;
};

}  // namespace tokengate::oauth
