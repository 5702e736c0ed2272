#include "issuer/key_set.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "common/token_lifetime.hpp"
#include "jose/base64url.hpp"
#include "common/json_text.hpp"

namespace tokengate::issuer {

std::shared_ptr<const KeySet> KeySet::build(const std::vector<store::KeyRecord>& keys, int64_t now) {
  auto set = std::make_shared<KeySet>();
  boost::json::array jwks;
  for (const auto& record : keys) {
    if (record.retired_at && *record.retired_at + common::kMaxTokenLifetime < now) continue;
    auto key = std::make_shared<const jose::SigningKey>(jose::SigningKey::from_pem(record.alg, record.private_pem));
    jwks.push_back(key->public_jwk());
    if (!record.retired_at) set->active = std::move(key);
  }
  if (set->active) {
    // RFC 9068 §2.1: typ "at+jwt"; kid lets verifiers pick the key from the JWKS.
    std::string header = "{";
    common::append_json_member(header, "alg", jose::to_string(set->active->algorithm()));
    header += ',';
    common::append_json_member(header, "typ", "at+jwt");
    header += ',';
    common::append_json_member(header, "kid", set->active->kid());
    header += '}';
    set->active_header_b64 = jose::base64url_encode(header);
  }
  boost::json::object doc;
  doc["keys"] = std::move(jwks);
  set->jwks_json = boost::json::serialize(doc);
  set->public_keys = jose::PublicKeySet::from_jwks(doc);
  return set;
}

}  // namespace tokengate::issuer
