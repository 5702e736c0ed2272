#pragma once
// libtokengate: what an authorization server says about itself (RFC 8414 §2), the members a
// client and a resource server use.
#include <string>

namespace tokengate {

struct ServerMetadata {
  std::string issuer;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string introspection_endpoint;  // empty when the server names none
  std::string revocation_endpoint;
};

}  // namespace tokengate
