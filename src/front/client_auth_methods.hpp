#pragma once
// The client authentication methods (RFC 6749 §2.3) of every endpoint where a client
// authenticates: the token routes, the Cells route, introspection and revocation. The one place a
// new method is added: the fronts take their methods from here, and the metadata (RFC 8414 §2)
// names the same ones.
#include <memory>
#include <string>
#include <vector>

#include "oauth/client_auth_method.hpp"

namespace tokengate::front {

struct AuthEndpoint {
  bool cells_query = false;    // the Cells route: ClientId/ClientSecret in the query too
  bool ignore_bearer = false;  // the SDK and Cells routes: a Bearer Authorization header is no credential
};

std::vector<std::unique_ptr<oauth::ClientAuthMethod>> client_auth_methods(AuthEndpoint endpoint);

// The registered names (RFC 8414 `*_endpoint_auth_methods_supported`) of the methods every
// endpoint takes; the RFC 8705 ones where client certificates reach the server.
std::vector<std::string> client_auth_method_names(bool client_certificates = false);
// The JWS algorithms a client assertion (private_key_jwt) may be signed with (RFC 8414
// `*_endpoint_auth_signing_alg_values_supported`): asymmetric only, never `none` or an HMAC.
std::vector<std::string> client_auth_signing_alg_names();

}  // namespace tokengate::front
