#pragma once
// What the issuer's handlers read: the client, key and revocation snapshots (swapped when the
// store changes) and the settings fixed at start.
#include <cstdint>
#include <memory>
#include <string>

#include "issuer/key_set.hpp"
#include "issuer/revocation_snapshot.hpp"
#include "issuer/revocation_updates.hpp"
#include "issuer/status_list_names.hpp"
#include "store/client_snapshot.hpp"
#include "store/snapshot_cell.hpp"

namespace tokengate::issuer {

struct TokenSettings {
  std::string issuer;            // `iss`, and the base of the metadata URLs
  std::string default_audience;  // `aud` for clients without their own
  int64_t default_ttl = 3600;    // seconds, for clients without their own
  int64_t key_publish_delay = 600;  // seconds a new key is published before it signs
  std::shared_ptr<const StatusListNames> status_list_names;  // null: untagged names (tests)
};

struct IssuerState {
  explicit IssuerState(TokenSettings s) : settings(std::move(s)) {}

  TokenSettings settings;
  store::SnapshotCell<store::ClientSnapshot> clients{std::make_shared<const store::ClientSnapshot>()};
  store::SnapshotCell<KeySet> keys{std::make_shared<const KeySet>()};
  store::SnapshotCell<RevocationSnapshot> revocations{std::make_shared<const RevocationSnapshot>()};
  RevocationUpdates revocation_updates{revocations};  // how `revocations` changes
};

}  // namespace tokengate::issuer
