#include "issuer/key_set.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/json_text.hpp"
#include "common/token_lifetime.hpp"
#include "common/base64url.hpp"

namespace tokengate::issuer {
namespace {

void note_change(int64_t& next, int64_t at, int64_t now) {
  if (at > now && (next == 0 || at < next)) next = at;
}

// The key's public JWK: from the stored public half, or derived from the private one.
boost::json::object public_jwk(const store::KeyRecord& record, std::shared_ptr<const jose::SigningKey>& loaded,
                               const jose::KeyEncryption* kek) {
  if (!record.private_pem.empty()) {
    loaded = std::make_shared<const jose::SigningKey>(
        jose::SigningKey::from_pem(record.alg, jose::private_key_in_clear(record.private_pem, record.kid, kek)));
    return loaded->public_jwk();
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(record.public_jwk, ec);
  if (ec || !v.is_object()) throw std::runtime_error("signing key " + record.kid + " has neither a private nor a public half");
  return std::move(v.as_object());
}

}  // namespace

std::shared_ptr<const KeySet> KeySet::build(const std::vector<store::KeyRecord>& keys, int64_t now,
                                            const jose::KeyEncryption* kek) {
  auto set = std::make_shared<KeySet>();
  boost::json::array jwks;
  const store::KeyRecord* active_record = nullptr;
  std::shared_ptr<const jose::SigningKey> active_key;
  for (const auto& record : keys) {
    if (record.withdrawn_at && *record.withdrawn_at <= now) continue;
    if (record.withdrawn_at) note_change(set->next_change, *record.withdrawn_at, now);
    if (record.retired_at) {
      int64_t unpublished_at = *record.retired_at + common::kMaxTokenLifetime;
      if (unpublished_at < now) continue;
      note_change(set->next_change, unpublished_at + 1, now);
      note_change(set->next_change, *record.retired_at, now);
    }
    note_change(set->next_change, record.activates_at, now);
    std::shared_ptr<const jose::SigningKey> loaded;
    jwks.push_back(public_jwk(record, loaded, kek));
    bool signing_now = record.activates_at <= now && (!record.retired_at || *record.retired_at > now);
    if (signing_now && loaded && (!active_record || record.activates_at >= active_record->activates_at)) {
      active_record = &record;
      active_key = std::move(loaded);
    }
  }
  set->active = std::move(active_key);
  if (set->active) {
    // RFC 9068 §2.1: typ "at+jwt"; kid lets verifiers pick the key from the JWKS.
    std::string header = "{";
    common::append_json_member(header, "alg", jose::to_string(set->active->algorithm()));
    header += ',';
    common::append_json_member(header, "typ", "at+jwt");
    header += ',';
    common::append_json_member(header, "kid", set->active->kid());
    header += '}';
    set->active_header_b64 = common::base64url_encode(header);
  }
  boost::json::object doc;
  doc["keys"] = std::move(jwks);
  set->jwks_json = boost::json::serialize(doc);
  set->public_keys = jose::PublicKeySet::from_jwks(doc);
  for (const auto& record : keys) set->public_keys.set_signing_period(record.kid, record.activates_at, record.retired_at);
  return set;
}

}  // namespace tokengate::issuer
