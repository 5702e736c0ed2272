#pragma once
// Publishes the revocation snapshot as it changes, without rebuilding it for each revocation
// (RevocationSnapshot::with). Two writers meet here: the node's own revocations, published the
// moment the store has them (honoured at once, before the client hears it is done), and the
// snapshot loader's periodic full rebuild, which must not drop a revocation published while it was
// reading the store. One short lock, never held across store I/O.
#include <memory>
#include <mutex>
#include <vector>

#include "issuer/revocation_snapshot.hpp"
#include "store/revocation_record.hpp"
#include "store/snapshot_cell.hpp"

namespace tokengate::issuer {

class RevocationUpdates {
 public:
  explicit RevocationUpdates(store::SnapshotCell<RevocationSnapshot>& cell) : cell_(cell) {}

  // Revocations now in the store: `local` ones were written by this node.
  void add(const std::vector<store::RevocationRecord>& records, bool local);
  // A full rebuild: call begin_rebuild() before reading the store, then replace() with what was read.
  void begin_rebuild();
  void replace(std::shared_ptr<const RevocationSnapshot> fresh);

 private:
  store::SnapshotCell<RevocationSnapshot>& cell_;
  std::mutex mutex_;
  std::vector<store::RevocationRecord> local_since_rebuild_;
};

}  // namespace tokengate::issuer
