#pragma once
// Workload identity federation: the external issuers the operator trusts (`tokengate federation
// add`), their keys, and which of their subjects authenticate as which client. A workload that
// holds a token from one of them (a Kubernetes service account token, a GitHub Actions OIDC
// token, a SPIFFE JWT-SVID) sends it as its client assertion; no secret exists anywhere.
//
// Keys: by discovery at the issuer (OpenID Connect / RFC 8414), a JWKS URL, or a SPIFFE bundle
// endpoint (its jwt-svid keys), each through a client::KeyCache (Cache-Control between 1 minute and
// 1 hour, an unknown kid fetched at most once per 10 s, 5 s timeout, 256 KiB at most), kept across
// reloads; fetched off the event loops by the caller.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

#include "client/http_fetch.hpp"
#include "client/key_cache.hpp"
#include "oauth/oauth_error.hpp"
#include "store/federation_record.hpp"
#include "store/snapshot_cell.hpp"

namespace tokengate::issuer {

class TrustedIssuers {
 public:
  struct Issuer {
    std::string issuer;
    std::shared_ptr<client::KeyCache> keys;
    std::vector<store::FederationRecord> rules;  // every federation of this issuer
  };

  explicit TrustedIssuers(client::FetchFunction fetch = client::fetch);

  // Made again from the store's federations (the snapshot loader).
  void update(const std::vector<store::FederationRecord>& federations);

  // The trusted issuer an assertion names: by its `iss`; for a SPIFFE JWT-SVID without one, by the
  // trust domain of its `sub`. Null: none (then it is a client's own private_key_jwt assertion).
  std::shared_ptr<const Issuer> find(std::string_view iss, std::string_view sub) const;

 private:
  using Table = std::unordered_map<std::string, std::shared_ptr<const Issuer>>;  // by issuer
  client::FetchFunction fetch_;
  store::SnapshotCell<Table> table_{std::make_shared<const Table>()};
};

// Who a federated workload was: what the issued token's `act` claim (RFC 8693 §4.1) and the audit
// trail say.
struct ExternalSubject {
  std::string issuer;
  std::string subject;
};

struct FederatedClient {
  std::string client_id;
  ExternalSubject who;
};

// Checks the verified claims of a token from `issuer` against its federations: iss (for SPIFFE,
// the trust domain), the times (exp required; up to 24 hours ahead: external issuers choose their
// own lifetimes), then the one federation whose audience, exact subject and every claim condition
// match, and, if the request named one, whose client is `client_id`.
std::variant<FederatedClient, oauth::OAuthError> map_federated_subject(const boost::json::object& claims,
                                                                       const TrustedIssuers::Issuer& issuer,
                                                                       std::string_view client_id, int64_t now);

// The claim at a dotted path ("kubernetes.io.namespace": member names may hold dots), as text:
// a string as it is, anything else as its JSON; nullopt if absent.
std::optional<std::string> claim_at(const boost::json::object& claims, std::string_view path);

}  // namespace tokengate::issuer
