#pragma once
// The public keys private_key_jwt clients sign their assertions with: a JWKS registered inline,
// parsed once when the clients change, or a `jwks_uri`, fetched (client::KeyCache: kept per its
// Cache-Control between 1 minute and 1 hour, fetched again on an unknown kid at most once per 10 s,
// 5 s timeout, 256 KiB at most). The token path only reads what is here; a fetch runs where the
// caller puts it (off the event loops).
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "client/http_fetch.hpp"
#include "client/key_cache.hpp"
#include "jose/public_key_set.hpp"
#include "store/client_snapshot.hpp"
#include "store/snapshot_cell.hpp"

namespace tokengate::issuer {

class ClientKeys {
 public:
  explicit ClientKeys(client::FetchFunction fetch = client::fetch);

  // Made again from the clients (the snapshot loader, when they changed): an inline JWKS seen
  // before and a jwks_uri's cache are kept.
  void update(const store::ClientSnapshot& clients);

  struct Found {
    std::shared_ptr<const jose::PublicKeySet> keys;  // null: none usable now
    std::shared_ptr<client::KeyCache> fetch_first;   // set: fetch (off the loop), then look again
    std::string error;                               // why there are none (a failed fetch)
  };
  // `client`'s keys for an assertion naming `kid` (empty: none named); no I/O.
  Found find(const store::ClientRecord& client, std::string_view kid) const;

 private:
  struct Tables {
    std::unordered_map<std::string, std::shared_ptr<const jose::PublicKeySet>> by_jwks;  // JWKS text →
    std::unordered_map<std::string, std::shared_ptr<client::KeyCache>> by_uri;
  };
  client::FetchFunction fetch_;
  store::SnapshotCell<Tables> tables_{std::make_shared<const Tables>()};
};

// Empty if `url` may be where keys are fetched from: https, or http to a loopback host only (a
// key fetched over plain http from elsewhere could be anyone's); else what is wrong, for the
// operator ("must be …").
std::string keys_url_problem(const std::string& url);

// The JWKS a client registers: a JSON object with a "keys" array holding at least one signing key
// this server verifies (EC P-256, Ed25519, RSA ≥ 2048 bits) and no private key. Empty if it is
// one; otherwise what is wrong, for the operator.
std::string jwks_problem(std::string_view jwks);

// The JWKS of a PEM certificate's public key (with its x5t#S256), as a self_signed_tls_client_auth
// client registers it; empty, with `error` saying why, if it is no certificate of a key we take.
std::string jwks_of_certificate(std::string_view pem, std::string& error);

}  // namespace tokengate::issuer
