#include "issuer/revocation_updates.hpp"

namespace tokengate::issuer {

void RevocationUpdates::add(const std::vector<store::RevocationRecord>& records, bool local) {
  if (records.empty()) return;
  std::lock_guard lock(mutex_);
  if (local) local_since_rebuild_.insert(local_since_rebuild_.end(), records.begin(), records.end());
  if (auto next = cell_.load()->with(records)) cell_.publish(std::move(next));
}

void RevocationUpdates::begin_rebuild() {
  std::lock_guard lock(mutex_);
  local_since_rebuild_.clear();
}

void RevocationUpdates::replace(std::shared_ptr<const RevocationSnapshot> fresh) {
  std::lock_guard lock(mutex_);
  // What this node revoked while the store was being read may not be in it: kept.
  auto with_local = fresh->with(local_since_rebuild_);
  cell_.publish(with_local ? std::move(with_local) : std::move(fresh));
  local_since_rebuild_.clear();
}

}  // namespace tokengate::issuer
