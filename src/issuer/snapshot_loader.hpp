#pragma once
// Loads the issuer's snapshots from the store: what the store watcher runs when the store changed
// (another node, the CLI, this node's own writes), and every minute. Clients and keys are read
// whole (they are few and small); revocations, which may number 100,000, are read whole once a
// minute (purging the expired ones) and otherwise only those revoked since the last read, added
// to the snapshot as RevocationSnapshot::with does.
#include <cstdint>

#include "issuer/issuer_state.hpp"
#include "jose/key_encryption.hpp"
#include "store/store.hpp"

namespace tokengate::issuer {

class SnapshotLoader {
 public:
  // How far back an incremental read looks past the newest revocation it saw: a revocation written
  // by a node whose clock is behind by more is picked up by the next full read (within a minute).
  static constexpr int64_t kClockSlack = 120;
  static constexpr int64_t kFullEvery = 60;

  SnapshotLoader(store::Store& store, IssuerState& state, const jose::KeyEncryption* kek)
      : store_(store), state_(state), kek_(kek) {}

  // Publishes fresh snapshots; returns when the key set next changes with time alone (0: never).
  // Runs on one thread at a time (the store watcher's).
  int64_t reload();

 private:
  void reload_revocations(int64_t now);

  store::Store& store_;
  IssuerState& state_;
  const jose::KeyEncryption* kek_;
  int64_t last_full_ = 0;    // Unix seconds of the last full read of the revocations
  int64_t newest_seen_ = 0;  // the latest revoked_at read
};

}  // namespace tokengate::issuer
