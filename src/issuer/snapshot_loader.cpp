#include "issuer/snapshot_loader.hpp"

#include <algorithm>
#include <ctime>

#include "common/token_lifetime.hpp"

namespace tokengate::issuer {
namespace {

int64_t highest_seq(const std::vector<store::RevocationRecord>& records, int64_t seq) {
  for (const auto& r : records) seq = std::max(seq, r.seq);
  return seq;
}

}  // namespace

int64_t SnapshotLoader::reload() {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  bool full = last_full_ == 0 || now - last_full_ >= kFullEvery;
  if (full) {
    store_.purge_revocations(now);
    store_.purge_retired_keys(now - common::kMaxTokenLifetime, now);
  }
  auto clients = std::make_shared<const store::ClientSnapshot>(store_.list_clients());
  state_.client_keys.update(*clients);  // first: a client is never there without its keys
  state_.trusted_issuers.update(store_.list_federations());
  state_.clients.publish(std::move(clients));
  if (full) {
    state_.revocation_updates.begin_rebuild();
    auto all = store_.list_revocations(now);
    last_seq_ = highest_seq(all, 0);
    state_.revocation_updates.replace(std::make_shared<const RevocationSnapshot>(all));
    last_full_ = now;
  } else {
    auto recent = store_.list_revocations_after(last_seq_, now);
    last_seq_ = highest_seq(recent, last_seq_);
    state_.revocation_updates.add(recent, /*local=*/false);  // those it has already are skipped
  }
  // Keys last: keys this node cannot open (another node sealed them with a key-encryption key this
  // one lacks) must not stop clients and revocations from reaching it. It keeps signing with the
  // keys it has, reports the store unhealthy and says why, until it is given the KEK.
  auto keys = KeySet::build(store_.list_keys(), now, kek_);
  int64_t next_change = keys->next_change;
  state_.keys.publish(std::move(keys));
  return next_change;
}

}  // namespace tokengate::issuer
