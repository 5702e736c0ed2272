#pragma once
// Loads the issuer's snapshots from the store: what the store watcher runs when the store changed
// (another node, the CLI, this node's own writes), and every minute. Clients and keys are read
// whole (they are few and small); revocations, which may number 100,000, are read whole once a
// minute (purging the expired ones) and otherwise only those the store numbered after the last one
// read (RevocationRecord::seq, in commit order), added to the snapshot as RevocationSnapshot::with does.
#include <cstdint>

#include "issuer/issuer_state.hpp"
#include "jose/key_encryption.hpp"
#include "store/store.hpp"

namespace tokengate::issuer {

class SnapshotLoader {
 public:
  static constexpr int64_t kFullEvery = 60;

  SnapshotLoader(store::Store& store, IssuerState& state, const jose::KeyEncryption* kek)
      : store_(store), state_(state), kek_(kek) {}

  // Publishes fresh snapshots; returns when the key set next changes with time alone (0: never).
  // Runs on one thread at a time (the store watcher's).
  int64_t reload();

 private:
  store::Store& store_;
  IssuerState& state_;
  const jose::KeyEncryption* kek_;
  int64_t last_full_ = 0;    // Unix seconds of the last full read of the revocations
  int64_t last_seq_ = 0;     // the highest RevocationRecord::seq read
};

}  // namespace tokengate::issuer
