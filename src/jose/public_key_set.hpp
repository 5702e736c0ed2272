#pragma once
// Public keys to verify JWTs with, by `kid`: built from a JWKS document (RFC 7517 §5). Immutable.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "jose/algorithm.hpp"
#include "jose/openssl_ptr.hpp"

namespace tokengate::jose {

class PublicKeySet {
 public:
  struct Key {
    std::string kid;
    Algorithm alg;
    std::shared_ptr<EVP_PKEY> pkey;
    // When the issuer signed with it (Unix seconds), where it says: a token whose `iat` lies outside
    // was not made by the issuer (a retired key's private half may have leaked).
    std::optional<int64_t> signed_from;
    std::optional<int64_t> signed_until;
  };

  PublicKeySet() = default;
  // Keeps the signing keys it understands (EC P-256, Ed25519, RSA ≥ 2048; `use` absent or "sig");
  // skips the rest. `skipped` counts them.
  static PublicKeySet from_jwks(const boost::json::object& jwks, int* skipped = nullptr);

  const Key* find(std::string_view kid) const;
  // The keys of these algorithms only.
  PublicKeySet only(const std::vector<Algorithm>& algorithms) const;
  // Records when the key `kid` signed (see Key); nothing if there is no such key.
  void set_signing_period(std::string_view kid, std::optional<int64_t> from, std::optional<int64_t> until);
  size_t size() const { return keys_.size(); }
  const std::vector<Key>& keys() const { return keys_; }

 private:
  std::vector<Key> keys_;
};

}  // namespace tokengate::jose
