#pragma once
// The front of the endpoints where a client hands us a token: introspection (RFC 7662 §2.1) and
// revocation (RFC 7009 §2.1). The same transport checks and client credentials as the token front
// (HTTP Basic or the form body), then the `token` parameter; `token_type_hint` is accepted and not
// needed (we issue access tokens only). A request that passes goes to the mode.
#include "front/mode.hpp"
#include "http/router.hpp"
#include "front/client_gate.hpp"
#include "oauth/client_authenticator.hpp"

namespace tokengate::front {

class TokenOperationFront {
 public:
  enum class Operation { introspect, revoke };
  TokenOperationFront(const Mode& mode, Operation operation, ClientGate gate = {});
  void handle(const http::Request& request, http::Respond respond) const;

 private:
  const Mode& mode_;
  Operation operation_;
  ClientGate gate_;
  oauth::ClientAuthenticator authenticator_;
};

}  // namespace tokengate::front
