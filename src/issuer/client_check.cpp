#include "issuer/client_check.hpp"

#include "common/secret_digest.hpp"

namespace tokengate::issuer {
namespace {

// Compared against when the client ID is unknown, so that the failure costs what a wrong secret costs.
const common::SecretDigest kNoClientDigest = common::digest_secret("tokengate: no such client");

}  // namespace

AuthResult check_client(const oauth::PresentedCredentials& presented, const store::ClientSnapshot& clients) {
  const store::ClientRecord* client = clients.find(presented.id);
  bool secret_ok = common::secret_matches(presented.secret, client ? client->secret_digest : kNoClientDigest);
  if (!client || !secret_ok || !client->enabled)
    return oauth::OAuthError::invalid_client(
        "Client authentication failed: unknown client, wrong secret or disabled client.", presented.via_basic);
  return client;
}

}  // namespace tokengate::issuer
