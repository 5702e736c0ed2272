#include "jose/public_key_set.hpp"

#include "jose/jwk.hpp"

namespace tokengate::jose {

PublicKeySet PublicKeySet::from_jwks(const boost::json::object& jwks, int* skipped) {
  PublicKeySet set;
  int skip = 0;
  auto it = jwks.find("keys");
  if (it != jwks.end() && it->value().is_array()) {
    for (const auto& entry : it->value().as_array()) {
      if (!entry.is_object()) {
        ++skip;
        continue;
      }
      const auto& jwk = entry.as_object();
      auto use = jwk.find("use");
      auto kid = jwk.find("kid");
      Algorithm alg;
      PkeyPtr key = (use == jwk.end() || (use->value().is_string() && use->value().as_string() == "sig"))
                        ? public_key_from_jwk(jwk, alg)
                        : nullptr;
      if (!key) {
        ++skip;
        continue;
      }
      // A JWK that names its algorithm must name one its key type allows: an RSA key is for RS256
      // unless its JWK says PS256. One key, one algorithm (no RS256/PS256 confusion).
      auto named = jwk.find("alg");
      if (named != jwk.end()) {
        auto named_alg = named->value().is_string() ? parse_algorithm(named->value().as_string()) : std::nullopt;
        if (named_alg && is_rsa(*named_alg) && is_rsa(alg)) alg = *named_alg;
        if (named_alg != alg) {
          ++skip;
          continue;
        }
      }
      std::string id = kid != jwk.end() && kid->value().is_string() ? std::string(kid->value().as_string()) : "";
      set.keys_.push_back(Key{std::move(id), alg, std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free)});
    }
  }
  if (skipped) *skipped = skip;
  return set;
}

void PublicKeySet::set_signing_period(std::string_view kid, std::optional<int64_t> from,
                                      std::optional<int64_t> until) {
  for (auto& k : keys_) {
    if (k.kid == kid) {
      k.signed_from = from;
      k.signed_until = until;
    }
  }
}

const PublicKeySet::Key* PublicKeySet::find(std::string_view kid) const {
  for (const auto& k : keys_) {
    if (k.kid == kid) return &k;
  }
  return nullptr;
}

PublicKeySet PublicKeySet::only(const std::vector<Algorithm>& algorithms) const {
  PublicKeySet out;
  for (const auto& k : keys_) {
    for (Algorithm a : algorithms) {
      if (k.alg == a) out.keys_.push_back(k);
    }
  }
  return out;
}

}  // namespace tokengate::jose
