#include "issuer/key_rotation.hpp"

#include <chrono>
#include <ctime>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "common/token_lifetime.hpp"
#include "jose/signing_key.hpp"

namespace tokengate::issuer {
namespace {

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

store::KeyRecord generate_key_record(jose::Algorithm alg, int64_t now, std::optional<int64_t> activates_at,
                                     const jose::KeyEncryption* kek) {
  auto key = jose::SigningKey::generate(alg);
  store::KeyRecord record;
  record.kid = key.kid();
  record.alg = alg;
  record.private_pem = kek ? kek->seal(key.private_pem(), record.kid) : key.private_pem();
  record.public_jwk = boost::json::serialize(key.public_jwk());
  record.created_at = now;
  record.activates_at = activates_at.value_or(now);
  return record;
}

store::KeyRecord ensure_signing_key(store::Store& store, jose::Algorithm alg, const jose::KeyEncryption* kek) {
  for (auto& k : store.list_keys()) {
    if (!k.retired_at) return k;
  }
  return store.ensure_active_key(generate_key_record(alg, unix_now(), {}, kek));
}

store::KeyRecord rotate_signing_key(store::Store& store, jose::Algorithm alg, int64_t publish_delay,
                                    const jose::KeyEncryption* kek, const audit::Actor& actor) {
  int64_t now = unix_now();
  // With no key signing now (a store that has none yet), the new one signs at once: a delay would
  // leave the server without a key.
  bool one_signs = false;
  for (const auto& k : store.list_keys()) {
    bool withdrawn = k.withdrawn_at && *k.withdrawn_at <= now;
    one_signs = one_signs || (!withdrawn && k.activates_at <= now && (!k.retired_at || *k.retired_at > now));
  }
  if (!one_signs) publish_delay = 0;
  // Whole seconds, rounded up: the key never signs before `publish_delay` has passed.
  auto ahead = std::chrono::system_clock::now() + std::chrono::seconds(publish_delay);
  int64_t activates_at =
      publish_delay == 0 ? now : std::chrono::ceil<std::chrono::seconds>(ahead.time_since_epoch()).count();
  auto record = generate_key_record(alg, now, activates_at, kek);
  auto audit = audit::entry(actor, "key.rotate", record.kid,
                            boost::json::serialize(boost::json::object{{"alg", jose::to_string(alg)},
                                                                       {"activates_at", activates_at}}));
  store.rotate_key(record, &audit);
  // Keys retired longer ago than any token can live are no longer published: drop them.
  store.purge_retired_keys(now - common::kMaxTokenLifetime, now);
  return record;
}

Withdrawal withdraw_signing_key(store::Store& store, const std::string& kid, jose::Algorithm alg,
                                const jose::KeyEncryption* kek, const audit::Actor& actor) {
  int64_t now = unix_now();
  Withdrawal w;
  bool signs_now_or_later = false;
  for (const auto& k : store.list_keys()) {
    if (k.kid != kid) continue;
    w.found = true;
    signs_now_or_later = !k.retired_at || *k.retired_at > now;
  }
  if (!w.found) return w;
  if (signs_now_or_later) {  // a replacement first, so that some key signs at every moment
    w.replacement = generate_key_record(alg, now, {}, kek);
    auto audit = audit::entry(actor, "key.rotate", w.replacement->kid,
                              boost::json::serialize(boost::json::object{{"alg", jose::to_string(alg)},
                                                                         {"activates_at", now},
                                                                         {"replaces", kid}}));
    store.rotate_key(*w.replacement, &audit);
  }
  auto audit = audit::entry(actor, "key.retire", kid);
  store.withdraw_key(kid, now, &audit);
  return w;
}

}  // namespace tokengate::issuer
