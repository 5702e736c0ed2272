#include "issuer/key_rotation.hpp"

#include <ctime>

#include "common/token_lifetime.hpp"
#include "jose/signing_key.hpp"
#include "issuer/key_set.hpp"

namespace tokengate::issuer {

store::KeyRecord generate_key_record(jose::Algorithm alg, int64_t now) {
  auto key = jose::SigningKey::generate(alg);
  store::KeyRecord record;
  record.kid = key.kid();
  record.alg = alg;
  record.private_pem = key.private_pem();
  record.created_at = now;
  return record;
}

store::KeyRecord ensure_signing_key(store::Store& store, jose::Algorithm alg) {
  for (auto& k : store.list_keys()) {
    if (!k.retired_at) return k;
  }
  return store.ensure_active_key(generate_key_record(alg, static_cast<int64_t>(std::time(nullptr))));
}

store::KeyRecord rotate_signing_key(store::Store& store, jose::Algorithm alg) {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto record = generate_key_record(alg, now);
  store.rotate_key(record, now);
  // Keys retired longer ago than any token can live are no longer published: drop them.
  store.purge_retired_keys(now - common::kMaxTokenLifetime);
  return record;
}

}  // namespace tokengate::issuer
