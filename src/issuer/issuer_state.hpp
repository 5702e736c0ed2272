#pragma once
// What the issuer's handlers read: the client, key and revocation snapshots (swapped when the
// store changes) and the settings fixed at start.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "issuer/client_keys.hpp"
#include "issuer/key_set.hpp"
#include "issuer/trusted_issuers.hpp"
#include "issuer/revocation_snapshot.hpp"
#include "issuer/revocation_updates.hpp"
#include "issuer/status_list_names.hpp"
#include "store/client_snapshot.hpp"
#include "store/snapshot_cell.hpp"

namespace tokengate::oauth {
class DpopNonces;
}

namespace tokengate::issuer {

struct TokenSettings {
  std::string issuer;            // `iss`, and the base of the metadata URLs
  std::string default_audience;  // `aud` for clients without their own
  int64_t default_ttl = 3600;    // seconds, for clients without their own
  int64_t key_publish_delay = 600;  // seconds a new key is published before it signs
  std::shared_ptr<const StatusListNames> status_list_names;  // null: untagged names (tests)
  // Seconds, for a token from a route of the Aspose SDKs (/{v1.1,v3.0,v4.0}/cells/connect/token,
  // /oauth2/token, /{v1.1,v3.0,v4.0}/connect/token) to a client without its own: the Aspose.Cells
  // Cloud SDKs keep a token for 86,300 s before they renew it.
  int64_t cells_token_ttl = 86400;
  // Set: DPoP proofs must carry one of these nonces (RFC 9449 §8), at the token endpoint and at the
  // routes that take DPoP-bound tokens.
  std::shared_ptr<const oauth::DpopNonces> dpop_nonces{};

  // The longest a token of a client without a lifetime of its own may live.
  int64_t longest_default_ttl() const { return std::max(default_ttl, cells_token_ttl); }
};

struct IssuerState {
  explicit IssuerState(TokenSettings s) : settings(std::move(s)) {}

  TokenSettings settings;
  store::SnapshotCell<store::ClientSnapshot> clients{std::make_shared<const store::ClientSnapshot>()};
  ClientKeys client_keys;  // of the private_key_jwt clients among `clients`
  TrustedIssuers trusted_issuers;  // workload identity federation
  store::SnapshotCell<KeySet> keys{std::make_shared<const KeySet>()};
  store::SnapshotCell<RevocationSnapshot> revocations{std::make_shared<const RevocationSnapshot>()};
  RevocationUpdates revocation_updates{revocations};  // how `revocations` changes
};

}  // namespace tokengate::issuer
