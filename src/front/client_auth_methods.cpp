#include "front/client_auth_methods.hpp"

namespace tokengate::front {

std::vector<std::unique_ptr<oauth::ClientAuthMethod>> client_auth_methods(AuthEndpoint endpoint) {
  std::vector<std::unique_ptr<oauth::ClientAuthMethod>> methods;
  methods.push_back(std::make_unique<oauth::ClientSecretBasic>(/*ignore_other_schemes=*/endpoint.ignore_bearer));
  methods.push_back(std::make_unique<oauth::ClientSecretPost>());
  methods.push_back(std::make_unique<oauth::ClientAssertion>());
  methods.push_back(std::make_unique<oauth::TlsClientCertificate>());
  if (endpoint.cells_query) methods.push_back(std::make_unique<oauth::CellsQueryCredentials>());
  return methods;
}

std::vector<std::string> client_auth_method_names(bool client_certificates) {
  std::vector<std::string> names{"client_secret_basic", "client_secret_post", "private_key_jwt"};
  if (client_certificates) {
    names.push_back("tls_client_auth");
    names.push_back("self_signed_tls_client_auth");
  }
  return names;
}

std::vector<std::string> client_auth_signing_alg_names() { return {"ES256", "EdDSA", "Ed25519", "RS256", "PS256"}; }

}  // namespace tokengate::front
