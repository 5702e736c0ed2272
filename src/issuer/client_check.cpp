#include "issuer/client_check.hpp"

#include "common/secret_digest.hpp"

namespace tokengate::issuer {
namespace {

// Compared against when the client ID is unknown, so that the failure costs what a wrong secret costs.
const common::SecretDigest kNoClientDigest = common::digest_secret("tokengate: no such client");

}  // namespace

AuthResult check_client(const oauth::PresentedCredentials& presented, const store::ClientSnapshot& clients,
                        int64_t now, bool* used_previous) {
  const store::ClientRecord* client = clients.find(presented.id);
  common::SecretDigest digest = common::digest_secret(presented.secret);
  bool current = common::digest_matches(digest, client ? client->secret_digest : kNoClientDigest);
  // Both compares always run: whether a client has a previous secret does not show in the timing.
  bool previous = common::digest_matches(digest, client ? client->previous_secret_digest : kNoClientDigest);
  bool secret_ok = current || (previous && client && now < client->previous_secret_until);
  if (!client || !secret_ok || !client->enabled)
    return oauth::OAuthError::invalid_client(
        "Client authentication failed: unknown client, wrong secret or disabled client.", presented.via_basic);
  if (used_previous) *used_previous = !current;
  return client;
}

}  // namespace tokengate::issuer
