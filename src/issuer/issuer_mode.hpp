#pragma once
// Issuer mode (the embedded default): clients, keys and revocations come from the store's
// snapshots, and a valid token request is answered with a token signed here. Revocations are
// written to the store off the event loops (common::JobThread) and honoured at once.
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/job_thread.hpp"
#include "issuer/assertion_ledger.hpp"
#include "limits/quota_leases.hpp"
#include "limits/shared_limits.hpp"
#include "jose/dpop_replay.hpp"
#include "issuer/client_assertion.hpp"
#include "issuer/client_check.hpp"
#include "front/mode.hpp"
#include "issuer/issuer_state.hpp"
#include "issuer/issuer_token_verifier.hpp"
#include "store/store.hpp"
#include "store/store_watcher.hpp"

namespace tokengate::issuer {

// Where issuer mode reports successful authentications the audit trail should show (the
// composition root adapts the trail writer). Called on request threads: must not wait on I/O.
class AuthenticationNotes {
 public:
  virtual ~AuthenticationNotes() = default;
  // A client authenticated with its previous secret, in a rotation's grace period.
  virtual void used_old_secret(std::string_view client_id, std::string_view address) = 0;
  // A workload authenticated as `client_id` through a federation.
  virtual void federated(std::string_view client_id, std::string_view address, const ExternalSubject& who) = 0;
};

class IssuerMode final : public front::Mode, public front::StatusLists {
 public:
  // `watcher` tells the health checks whether the store is reachable and reloads after a write.
  IssuerMode(IssuerState& state, store::StoreWatcher& watcher, store::Store& store);

  std::string_view name() const override { return "issuer"; }
  void set_notes(AuthenticationNotes* notes) { notes_ = notes; }
  // Token quotas (limits/quota_leases); without, quotas are not enforced (unit tests).
  void set_quotas(limits::QuotaLeases* quotas) { quotas_ = quotas; }
  // Lock-outs and rates shared with the other nodes, for /readyz; null: one node (SQLite).
  void set_shared_limits(const limits::SharedLimits* shared) { shared_limits_ = shared; }
  // Checks the client's secret against the snapshot, then the client credentials grant.
  void issue_token(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                   const front::ClientGate& gate, http::Respond respond) const override;
  void introspect(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                  std::optional<std::string_view> token, http::Respond respond) const override;
  void revoke(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
              std::optional<std::string_view> token, http::Respond respond) const override;
  const front::StatusLists* status_lists() const override { return this; }
  http::Response status_list(const http::Request& request, std::string_view list) const override;
  http::Response status_list_aggregation() const override;
  void published_keys(boost::asio::io_context& loop, std::function<void(front::PublishedKeys)> done) const override;
  const oauth::AccessTokenVerifier& token_verifier() const override { return verifier_; }
  observe::HealthReport readiness() const override;
  observe::HealthReport health() const override;

 private:
  // What a token request offers to bind its token to, kept past the request for an answer that
  // comes later (an assertion checked off the loop).
  struct BindingOffer {
    std::string proof;  // the DPoP header
    int proofs = 0;
    std::string path;   // the route posted to: a proof's htu is the issuer's URL of it
    std::string certificate;  // the client certificate's thumbprint; empty: none
  };
  static BindingOffer binding_offer(const http::Request& request);
  struct Binding {
    std::string jkt;  // RFC 9449 §5: the DPoP proof's key
    std::string x5t;  // RFC 8705 §3: the client certificate
    std::string proof_jti;        // the proof, to be recorded as used ...
    int64_t proof_forget_after = 0;  // ... until then
  };
  // The keys a token for `client` is bound to, or the refusal (400 invalid_dpop_proof or
  // use_dpop_nonce; a client that requires DPoP and sent no proof).
  std::variant<Binding, oauth::OAuthError> token_binding(const BindingOffer& offer, const store::ClientRecord& client) const;
  // Records the binding's proof as used, once the client has been admitted (rate limits): a client
  // over its rate does not fill the table. False: it was used before.
  bool first_use_of_proof(const Binding& binding) const;
  // The token response, or its refusal, with a fresh DPoP-Nonce where nonces are required (§8).
  http::Response with_dpop_nonce(http::Response response, const BindingOffer& offer) const;

  // Once the client is admitted: its quota, which may have to wait for a lease (off the loop):
  // true to go on at once; false when a refusal went out, or `resume` (made by `later`, only then)
  // will be called on `loop` once the lease has come.
  bool within_quota(const store::ClientRecord& client, boost::asio::io_context* loop, const http::Respond& respond,
                    const std::function<std::function<void()>()>& later) const;
  // Then: the DPoP proof's single use, the token, and the answer (with a DPoP-Nonce where nonces are
  // required and a proof was sent); a federated workload's use goes to the audit trail.
  struct Authenticated;
  void grant(const oauth::FormParams& body, bool sdk_route, const store::ClientRecord& client, const Binding& binding,
             int proofs, const Authenticated* authenticated, const http::Respond& respond) const;

  // The client's secret (check_client, noting the use of a previous secret) or its TLS certificate
  // (RFC 8705): no I/O either way.
  AuthResult check_presented(const oauth::PresentedCredentials& credentials, const http::Request& request) const;
  AuthResult check_secret(const oauth::PresentedCredentials& credentials, std::string_view address) const;

  // A client authenticated by an assertion; a federated workload also says who it was.
  struct Authenticated {
    store::ClientRecord client;
    std::optional<ExternalSubject> actor;
    std::string address{};  // the caller's, for the audit trail
  };
  // A federated workload's authentication goes to the audit trail once what it asked for is done
  // (auth.federated), not when its token merely checked out.
  void note_federated(const Authenticated& authenticated) const;
  using ClientOrError = std::variant<Authenticated, oauth::OAuthError>;
  // An assertion from a trusted external issuer (workload identity federation), or else a
  // client's own (private_key_jwt: verified against its keys, then its single use recorded). Keys
  // that must be fetched first are fetched off the loop; `then` runs on the request's loop.
  void authenticate_by_assertion(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                                 std::function<void(ClientOrError)> then) const;
  AssertionRules assertion_rules(const oauth::TokenRequest& request) const;
  std::shared_ptr<const client::KeyCache::Keys> fetch_unless_usable(client::KeyCache& cache, const std::string& kid,
                                                                    const std::string& whose) const;
  // private_key_jwt: the checks, then the single-use record; `answer` runs on the request's loop.
  void check_client_assertion(const ParsedAssertion& parsed, const std::string& id, const store::ClientRecord* client,
                              const ClientKeys::Found& found, const AssertionRules& rules,
                              const std::function<void(const ClientOrError&)>& answer) const;
  void authenticate_federated(const oauth::TokenRequest& request, std::shared_ptr<const TrustedIssuers::Issuer> issuer,
                              std::string_view assertion, const ParsedAssertion& parsed,
                              std::function<void(ClientOrError)> then) const;
  ClientOrError federated_client(const TrustedIssuers::Issuer& issuer, std::string_view assertion,
                                 const ParsedAssertion& parsed, const std::shared_ptr<const client::KeyCache::Keys>& keys,
                                 std::string_view named_client, std::string_view address) const;
  void revoke_for(const store::ClientRecord& caller, std::string_view token, boost::asio::io_context& loop,
                  http::Respond respond) const;

  IssuerState& state_;
  AuthenticationNotes* notes_ = nullptr;
  limits::QuotaLeases* quotas_ = nullptr;
  const limits::SharedLimits* shared_limits_ = nullptr;
  store::StoreWatcher& watcher_;
  store::Store& store_;
  IssuerTokenVerifier verifier_;
  mutable common::JobThread writer_;
  mutable AssertionLedger ledger_;
  mutable jose::DpopReplay dpop_replay_;
  mutable common::JobThread key_fetcher_{1000};  // the jwks_uri fetches of private_key_jwt clients

  // Signed status lists, kept while the revocations and keys they were made from are current and
  // for at most half their ttl.
  struct SignedList {
    std::string jwt;
    std::string etag;
    int64_t signed_at = 0;
    uint64_t revocations_version = 0;
    uint64_t keys_version = 0;
  };
  mutable std::mutex lists_mutex_;
  mutable std::unordered_map<std::string, SignedList> lists_;
};

}  // namespace tokengate::issuer
