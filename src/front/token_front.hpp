#pragma once
// The token endpoint's one front, RFC 6749 §3.2, for both modes and every token route: transport
// checks and decoding (TokenRequest), the grant_type check, and the client's credentials extracted
// (ClientAuthenticator). A request that passes goes to the mode.
#include <memory>

#include "front/mode.hpp"
#include "http/router.hpp"
#include "front/client_gate.hpp"
#include "oauth/client_authenticator.hpp"

namespace tokengate::front {

struct TokenRoute {
  // The Aspose Cells Cloud route: ClientId/ClientSecret also in the query, grant_type defaults to
  // client_credentials, and a Bearer Authorization header (the SDKs send their token) is ignored.
  bool cells_compatible = false;
  // The routes the Aspose Cloud SDKs authenticate at (/oauth2/token, /{v1.1,v3.0,v4.0}/connect/token):
  // a Bearer Authorization header (the SDK's current token) is ignored, and a multipart/form-data
  // body (what the 23.x SDK's oAuthPost sends) is accepted besides the RFC 6749 form.
  bool sdk_compatible = false;
};

class TokenFront {
 public:
  TokenFront(const Mode& mode, TokenRoute route, ClientGate gate = {});
  void handle(const http::Request& request, http::Respond respond) const;

 private:
  const Mode& mode_;
  TokenRoute route_;
  ClientGate gate_;
  oauth::ClientAuthenticator authenticator_;
};

}  // namespace tokengate::front
