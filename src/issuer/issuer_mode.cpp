#include "issuer/issuer_mode.hpp"

#include <algorithm>
#include <ctime>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "common/echo.hpp"
#include "common/json_member.hpp"
#include "http/conditional.hpp"
#include "http/event_loop.hpp"
#include "http/client_certificate.hpp"
#include "issuer/certificate_check.hpp"
#include "issuer/client_assertion.hpp"
#include "oauth/dpop_nonce.hpp"
#include "oauth/dpop_error.hpp"
#include "issuer/client_check.hpp"
#include "issuer/client_credentials_grant.hpp"
#include "issuer/introspection.hpp"
#include "issuer/status_list.hpp"
#include "issuer/token_inspection.hpp"
#include "issuer/token_status.hpp"
#include "common/base64url.hpp"
#include "common/sha256.hpp"
#include "jose/verified_token_cache.hpp"

namespace tokengate::issuer {
namespace {

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string string_claim(const boost::json::object& claims, const char* name) {
  return std::string(common::string_member(claims, name));
}

int64_t integer_claim(const boost::json::object& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return 0;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<int64_t>(it->value().as_uint64());
  return 0;
}

http::Response missing_token() {
  return oauth::OAuthError::invalid_request("The token parameter is missing.").to_response();
}

// The client a private_key_jwt assertion may name: one registered for that method. A
// self_signed_tls_client_auth client's keys sign no assertions: with them it could get a token
// bound to no certificate. Anyone else is answered as an unknown client.
const store::ClientRecord* assertion_client(const store::ClientSnapshot& clients, const std::string& id) {
  const store::ClientRecord* client = clients.find(id);
  return client && client->auth == store::ClientRecord::Auth::private_key_jwt ? client : nullptr;
}

http::Response empty_ok() {
  http::Response r;
  r.content_type = {};
  r.no_store = true;
  return r;
}

}  // namespace

IssuerMode::IssuerMode(IssuerState& state, store::StoreWatcher& watcher, store::Store& store)
    : state_(state), watcher_(watcher), store_(store), verifier_(state), ledger_(store) {
  prepare_assertion_checks();
}

AuthResult IssuerMode::check_secret(const oauth::PresentedCredentials& credentials, std::string_view address) const {
  bool used_previous = false;
  AuthResult auth = check_client(credentials, store::read_snapshot(state_.clients), unix_now(), &used_previous);
  if (used_previous && notes_ && std::holds_alternative<const store::ClientRecord*>(auth))
    notes_->used_old_secret(credentials.id, address);
  return auth;
}

// On the key-fetch thread. Jobs run one after another: the first of many asking for the same keys
// fetches, and those queued behind it find the keys usable (or the unknown kid refused) for the
// interval after it, so a flood of forged kids makes one fetch per interval, not one per request.
std::shared_ptr<const client::KeyCache::Keys> IssuerMode::fetch_unless_usable(client::KeyCache& cache,
                                                                              const std::string& kid,
                                                                              const std::string& whose) const {
  if (auto keys = cache.usable(kid)) return keys;
  auto keys = cache.fetch_now();
  if (std::string error = cache.last_error(); !error.empty())
    spdlog::warn("the keys of {} could not be fetched: {}", whose, error);
  return keys;
}

IssuerMode::BindingOffer IssuerMode::binding_offer(const http::Request& request) {
  return {.proof = std::string(request.dpop),
          .proofs = request.dpop_count,
          .path = std::string(request.path),
          .certificate = request.client_certificate ? request.client_certificate->thumbprint : std::string()};
}

std::variant<IssuerMode::Binding, oauth::OAuthError> IssuerMode::token_binding(const BindingOffer& offer,
                                                                               const store::ClientRecord& client) const {
  Binding binding;
  // RFC 8705 §3: a certificate on the connection binds the token, unless the client opted out (a
  // client that authenticated with it cannot).
  if (!offer.certificate.empty() && (client.certificate_bound || client.authenticates_by_certificate()))
    binding.x5t = offer.certificate;
  if (offer.proofs == 0) {
    if (client.require_dpop)
      return oauth::invalid_dpop_proof("This client gets DPoP-bound tokens only: send a DPoP proof with the token "
                                       "request (RFC 9449 §5.2 dpop_bound_access_tokens).");
    return binding;
  }
  if (offer.proofs > 1) return oauth::invalid_dpop_proof("The request has more than one DPoP header (RFC 9449 §4.3).");
  int64_t now = unix_now();
  std::string url = state_.settings.issuer + offer.path;  // outlives `expect`, which views it
  jose::DpopExpectations expect{.method = "POST", .url = url, .now = now, .nonces = state_.settings.dpop_nonces.get()};
  auto verified = jose::verify_dpop_proof(offer.proof, expect);
  if (auto* e = std::get_if<jose::DpopFailure>(&verified)) return oauth::dpop_error(std::move(*e));
  auto& dpop = std::get<jose::DpopProof>(verified);
  binding.jkt = std::move(dpop.jkt);
  binding.proof_jti = std::move(dpop.jti);
  binding.proof_forget_after = dpop.iat + expect.max_age + expect.leeway;
  return binding;
}

bool IssuerMode::first_use_of_proof(const Binding& binding) const {
  return binding.jkt.empty() || dpop_replay_.first_use(binding.jkt, binding.proof_jti, binding.proof_forget_after, unix_now());
}

namespace {
oauth::OAuthError proof_used_before() {
  return oauth::invalid_dpop_proof("The DPoP proof was used before (its jti); sign a new proof for each request.");
}
}  // namespace

http::Response IssuerMode::with_dpop_nonce(http::Response response, const BindingOffer& offer) const {
  if (state_.settings.dpop_nonces && offer.proofs > 0)
    response.header("DPoP-Nonce", state_.settings.dpop_nonces->current(unix_now()));
  return response;
}

void IssuerMode::note_federated(const Authenticated& authenticated) const {
  if (notes_ && authenticated.actor) notes_->federated(authenticated.client.id, authenticated.address, *authenticated.actor);
}

AuthResult IssuerMode::check_presented(const oauth::PresentedCredentials& credentials,
                                       const http::Request& request) const {
  if (credentials.by_certificate)
    return check_certificate(credentials, request.client_certificate, store::read_snapshot(state_.clients),
                             state_.client_keys, unix_now());
  return check_secret(credentials, request.client_address);
}

AssertionRules IssuerMode::assertion_rules(const oauth::TokenRequest& request) const {
  // RFC 7523 §3 item 3: the issuer identifies this server; the URL posted to does too.
  AssertionRules rules;
  rules.audiences = {state_.settings.issuer, state_.settings.issuer + std::string(request.http.path),
                     state_.settings.issuer + "/connect/token"};
  return rules;
}

void IssuerMode::authenticate_by_assertion(const oauth::TokenRequest& request,
                                           const oauth::PresentedCredentials& credentials,
                                           std::function<void(ClientOrError)> then) const {
  ParsedAssertion parsed = parse_assertion(credentials.assertion);  // taken apart once, here
  if (auto trusted = state_.trusted_issuers.find(parsed.iss, parsed.sub))
    return authenticate_federated(request, std::move(trusted), credentials.assertion, parsed, std::move(then));
  // A client's own assertion names the client as iss; a URL there is an issuer nobody trusts.
  if (parsed.iss.find("://") != std::string::npos)
    return then(oauth::OAuthError::invalid_client(
        "The client_assertion's issuer '" + common::safe_echo(parsed.iss) +
            "' is not trusted here; an operator trusts one with tokengate federation add.",
        false));

  // Every answer from here on comes after the ledger (or a key fetch) on another thread.
  auto answer = http::answer_on<ClientOrError>(*request.http.loop, std::move(then));
  const store::ClientRecord* client = assertion_client(store::read_snapshot(state_.clients), credentials.id);
  ClientKeys::Found found = client ? state_.client_keys.find(*client, parsed.kid) : ClientKeys::Found{};
  if (!found.fetch_first)
    return check_client_assertion(parsed, credentials.id, client, found, assertion_rules(request), answer);
  auto clients = state_.clients.load();  // held: the client record outlives the fetch
  bool queued = key_fetcher_.post([this, clients, client = assertion_client(*clients, credentials.id), id = credentials.id,
                                   assertion = credentials.assertion, rules = assertion_rules(request),
                                   cache = found.fetch_first, answer] {
    try {
      ParsedAssertion again = parse_assertion(assertion);
      fetch_unless_usable(*cache, again.kid, "client " + id + "'s jwks_uri");
      // `client` is the record in the snapshot held now: null if it was deleted meanwhile.
      ClientKeys::Found keys = client ? state_.client_keys.find(*client, again.kid) : ClientKeys::Found{};
      check_client_assertion(again, id, client, keys, rules, answer);
    } catch (const std::exception& e) {
      spdlog::error("client assertion check failed: {}", e.what());
      answer(oauth::OAuthError{500, "server_error", "The client assertion could not be checked."});
    }
  });
  if (!queued)
    answer(oauth::OAuthError{503, "temporarily_unavailable", "Too many client key fetches are waiting; retry shortly."});
}

void IssuerMode::check_client_assertion(const ParsedAssertion& parsed, const std::string& id,
                                        const store::ClientRecord* client, const ClientKeys::Found& found,
                                        const AssertionRules& rules,
                                        const std::function<void(const ClientOrError&)>& answer) const {
  // A failed fetch is not said here: the answer must not tell a client with a jwks_uri from no
  // client at all, nor show where its keys live; the log says why (fetch_unless_usable).
  auto verified = verify_client_assertion(parsed, id, found.keys.get(), rules, unix_now());
  if (auto* e = std::get_if<oauth::OAuthError>(&verified)) return answer(*e);
  if (!client->enabled) return answer(oauth::OAuthError::invalid_client("The client is disabled.", false));
  auto& assertion_ok = std::get<VerifiedAssertion>(verified);
  ledger_.record({client->id, assertion_ok.jti, assertion_ok.expires_at},
                 [record = *client, answer](AssertionLedger::Verdict verdict) {
                   using V = AssertionLedger::Verdict;
                   switch (verdict) {
                     case V::first_use: return answer(Authenticated{record, std::nullopt});
                     case V::replayed:
                       return answer(oauth::OAuthError::invalid_client(
                           "The client_assertion was used before (its jti); sign a new assertion with a new jti "
                           "for each request (RFC 7523 §3).",
                           false));
                     case V::unavailable:
                       return answer(oauth::OAuthError{
                           503, "temporarily_unavailable",
                           "Used client assertions are remembered in the store, which is unavailable: an assertion "
                           "cannot be checked unused on every node now. Retry shortly."});
                     case V::busy:
                       return answer(oauth::OAuthError{503, "temporarily_unavailable",
                                                       "Too many client assertions are waiting to be recorded; retry "
                                                       "shortly."});
                   }
                 });
}

void IssuerMode::authenticate_federated(const oauth::TokenRequest& request,
                                        std::shared_ptr<const TrustedIssuers::Issuer> issuer,
                                        std::string_view assertion, const ParsedAssertion& parsed,
                                        std::function<void(ClientOrError)> then) const {
  std::string named_client(request.body.get("client_id").value_or(""));
  // With the issuer's keys at hand, answered here, on the loop; else after a fetch, off it.
  if (auto keys = issuer->keys->usable(parsed.kid))
    return then(federated_client(*issuer, assertion, parsed, keys, named_client, request.http.client_address));
  auto answer = http::answer_on<ClientOrError>(*request.http.loop, std::move(then));
  bool queued = key_fetcher_.post([this, issuer, assertion = std::string(assertion), named_client,
                                   address = std::string(request.http.client_address), answer] {
    try {
      ParsedAssertion again = parse_assertion(assertion);
      auto keys = fetch_unless_usable(*issuer->keys, again.kid, "the trusted issuer " + issuer->issuer);
      answer(federated_client(*issuer, assertion, again, keys, named_client, address));
    } catch (const std::exception& e) {
      spdlog::error("federated assertion check failed: {}", e.what());
      answer(oauth::OAuthError{500, "server_error", "The client assertion could not be checked."});
    }
  });
  if (!queued)
    answer(oauth::OAuthError{503, "temporarily_unavailable", "Too many key fetches are waiting; retry shortly."});
}

IssuerMode::ClientOrError IssuerMode::federated_client(const TrustedIssuers::Issuer& issuer, std::string_view assertion,
                                                       const ParsedAssertion& parsed,
                                                       const std::shared_ptr<const client::KeyCache::Keys>& keys,
                                                       std::string_view named_client, std::string_view address) const {
  const jose::PublicKeySet* key_set = keys ? keys->set.get() : nullptr;
  // A workload presents the same token until its issuer renews it: its signature is checked once
  // per thread (jose/verified_token_cache: by the token's SHA-256, while the key that verified it
  // is still the issuer's), its claims and its mapping on every use.
  common::Sha256Digest digest = common::sha256(assertion);
  jose::VerifiedTokenPtr seen = key_set ? jose::recall_verified(digest) : nullptr;
  if (seen) {
    const jose::PublicKeySet::Key* key = key_set->find(seen->kid);
    if (!key || key->pkey != seen->key) seen = nullptr;
  }
  const boost::json::object* claims = seen ? &seen->claims : nullptr;
  if (!claims) {
    std::string whose = "of the trusted issuer " + issuer.issuer;
    if (!key_set) whose += " (its keys could not be fetched: the server's log says why)";
    const jose::PublicKeySet::Key* used = nullptr;
    auto verified = signed_claims(parsed, key_set, whose, &used);
    if (auto* e = std::get_if<oauth::OAuthError>(&verified)) return *e;
    claims = std::get<const boost::json::object*>(verified);
    auto remembered = std::make_shared<jose::VerifiedToken>();
    remembered->kid = used->kid;
    remembered->alg = used->alg;
    remembered->key = used->pkey;
    remembered->claims = *claims;
    jose::remember_verified(digest, std::move(remembered));
  }
  auto mapped = map_federated_subject(*claims, issuer, named_client, unix_now());
  if (auto* e = std::get_if<oauth::OAuthError>(&mapped)) return *e;
  auto& federated = std::get<FederatedClient>(mapped);
  const store::ClientRecord* client = store::read_snapshot(state_.clients).find(federated.client_id);
  if (!client || !client->enabled)
    return oauth::OAuthError::invalid_client(
        "The client '" + federated.client_id + "' the federation names does not exist or is disabled.", false);
  return Authenticated{*client, std::move(federated.who), std::string(address)};
}

void IssuerMode::issue_token(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                             const front::ClientGate& gate, http::Respond respond) const {
  if (credentials.by_assertion()) {
    return authenticate_by_assertion(
        request, credentials,
        [this, &gate, body = request.body, sdk_route = request.sdk_route, offer = binding_offer(request.http),
         loop = request.http.loop, respond = std::move(respond)](ClientOrError auth) {
          if (auto* e = std::get_if<oauth::OAuthError>(&auth)) return respond(e->to_response());
          const auto& authenticated = std::get<Authenticated>(auth);
          const store::ClientRecord& client = authenticated.client;
          auto bound = token_binding(offer, client);
          if (auto* e = std::get_if<oauth::OAuthError>(&bound)) return respond(with_dpop_nonce(e->to_response(), offer));
          if (auto refusal = gate.admit(client.id)) return respond(std::move(*refusal));
          const auto& binding = std::get<Binding>(bound);
          auto later = [&]() -> std::function<void()> {
            auto kept = std::make_shared<std::tuple<oauth::FormParams, Authenticated, Binding>>(body, authenticated, binding);
            return [this, kept, sdk_route, proofs = offer.proofs, respond] {
              const auto& [body, authenticated, binding] = *kept;
              grant(body, sdk_route, authenticated.client, binding, proofs, &authenticated, respond);
            };
          };
          if (!within_quota(client, loop, respond, later)) return;
          grant(body, sdk_route, client, binding, offer.proofs, &authenticated, respond);
        });
  }
  AuthResult auth = check_presented(credentials, request.http);
  if (auto* e = std::get_if<oauth::OAuthError>(&auth)) return respond(e->to_response());
  const store::ClientRecord& client = *std::get<const store::ClientRecord*>(auth);
  Binding binding;
  if (request.http.dpop_count > 0 || request.http.client_certificate || client.require_dpop) {
    BindingOffer offer = binding_offer(request.http);
    auto bound = token_binding(offer, client);
    if (auto* e = std::get_if<oauth::OAuthError>(&bound)) return respond(with_dpop_nonce(e->to_response(), offer));
    binding = std::move(std::get<Binding>(bound));
  }
  if (auto refusal = gate.admit(client.id)) return respond(std::move(*refusal));
  int proofs = request.http.dpop_count;
  auto later = [&]() -> std::function<void()> {
    // The snapshot's record may be replaced while the grant waits: it keeps the one it was checked against.
    auto kept = std::make_shared<std::tuple<oauth::FormParams, store::ClientRecord, Binding>>(request.body, client, binding);
    return [this, kept, sdk_route = request.sdk_route, proofs, respond] {
      const auto& [body, client, binding] = *kept;
      grant(body, sdk_route, client, binding, proofs, nullptr, respond);
    };
  };
  if (!within_quota(client, request.http.loop, respond, later)) return;
  grant(request.body, request.sdk_route, client, binding, proofs, nullptr, respond);
}

namespace {

// A grant its quota refuses: 429 naming the quota and when it resets, or 503 while too many wait.
http::Response quota_refusal_response(const limits::QuotaAnswer& answer) {
  if (answer.kind == limits::QuotaAnswer::Kind::busy) {
    http::Response r = oauth::OAuthError{503, "temporarily_unavailable",
                                         "Too many token requests are waiting for their quota; retry shortly."}
                           .to_response();
    r.header("Retry-After", "1");
    return r;
  }
  return front::too_many_requests(limits::quota_refusal(answer, unix_now()));
}

}  // namespace

bool IssuerMode::within_quota(const store::ClientRecord& client, boost::asio::io_context* loop,
                              const http::Respond& respond, const std::function<std::function<void()>()>& later) const {
  if (!quotas_ || !client.quota.set()) return true;
  auto answer = quotas_->take(client.id, client.quota, nullptr);
  if (!answer && !loop) answer = limits::QuotaAnswer{limits::QuotaAnswer::Kind::busy, client.quota, {}};  // nowhere to wait
  if (!answer) {
    auto resume = later();
    answer = quotas_->take(client.id, client.quota,
                           http::answer_on<limits::QuotaAnswer>(*loop, [resume, respond](limits::QuotaAnswer a) {
                             if (a.kind == limits::QuotaAnswer::Kind::issued) return resume();
                             respond(quota_refusal_response(a));
                           }));
    if (!answer) return false;
  }
  if (answer->kind == limits::QuotaAnswer::Kind::issued) return true;
  respond(quota_refusal_response(*answer));
  return false;
}

void IssuerMode::grant(const oauth::FormParams& body, bool sdk_route, const store::ClientRecord& client,
                       const Binding& binding, int proofs, const Authenticated* authenticated,
                       const http::Respond& respond) const {
  // The quota was taken before (within_quota): a grant that fails after all gives its token back.
  auto refund = [&] {
    if (quotas_ && client.quota.set()) quotas_->refund(client.id);
  };
  if (!first_use_of_proof(binding)) {
    refund();
    return respond(proof_used_before().to_response());
  }
  std::variant<http::Response, oauth::OAuthError> result = oauth::OAuthError{500, "server_error", ""};
  try {  // may run later, on the loop, outside the router's guard: an exception must still answer
    GrantAsk ask{.body = body,
                 .sdk_route = sdk_route,
                 .actor = authenticated && authenticated->actor ? &*authenticated->actor : nullptr,
                 .dpop_jkt = binding.jkt,
                 .certificate = binding.x5t};
    result = grant_client_credentials(ask, client, store::read_snapshot(state_.keys), state_.settings);
  } catch (const std::exception& e) {
    spdlog::error("token grant failed: {}", e.what());
    result = oauth::OAuthError{500, "server_error", "The token could not be issued."};
  }
  if (auto* e = std::get_if<oauth::OAuthError>(&result)) {
    refund();
    return respond(e->to_response());
  }
  if (authenticated) note_federated(*authenticated);  // only once the grant succeeded
  http::Response response = std::get<http::Response>(std::move(result));
  if (state_.settings.dpop_nonces && proofs > 0)
    response.header("DPoP-Nonce", state_.settings.dpop_nonces->current(unix_now()));
  respond(std::move(response));
}

// RFC 7662 §2.1: the caller authenticates; the answer says whether the token is live and, if the
// caller may see it, what it is.
void IssuerMode::introspect(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                            std::optional<std::string_view> token, http::Respond respond) const {
  if (credentials.by_assertion()) {
    return authenticate_by_assertion(
        request, credentials,
        [this, token = token ? std::optional<std::string>(*token) : std::nullopt,
         respond = std::move(respond)](ClientOrError auth) {
          if (auto* e = std::get_if<oauth::OAuthError>(&auth)) return respond(e->to_response());
          if (!token) return respond(missing_token());
          note_federated(std::get<Authenticated>(auth));
          respond(introspection_response(inspect_access_token(*token, state_, {}, unix_now()),
                                         std::get<Authenticated>(auth).client));
        });
  }
  AuthResult auth = check_presented(credentials, request.http);
  if (auto* e = std::get_if<oauth::OAuthError>(&auth)) return respond(e->to_response());
  const store::ClientRecord& caller = *std::get<const store::ClientRecord*>(auth);
  if (!token) return respond(missing_token());
  respond(introspection_response(inspect_access_token(*token, state_, {}, unix_now()), caller));
}

// RFC 7009 §2.1: a client revokes its own tokens; anything that is not a live token of ours is
// answered 200 (§2.2), there being nothing to revoke.
void IssuerMode::revoke(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                        std::optional<std::string_view> token, http::Respond respond) const {
  if (credentials.by_assertion()) {
    return authenticate_by_assertion(
        request, credentials,
        [this, loop = request.http.loop, token = token ? std::optional<std::string>(*token) : std::nullopt,
         respond = std::move(respond)](ClientOrError auth) {
          if (auto* e = std::get_if<oauth::OAuthError>(&auth)) return respond(e->to_response());
          if (!token) return respond(missing_token());
          note_federated(std::get<Authenticated>(auth));
          revoke_for(std::get<Authenticated>(auth).client, *token, *loop, respond);
        });
  }
  AuthResult auth = check_presented(credentials, request.http);
  if (auto* e = std::get_if<oauth::OAuthError>(&auth)) return respond(e->to_response());
  const store::ClientRecord& caller = *std::get<const store::ClientRecord*>(auth);
  if (!token) return respond(missing_token());
  revoke_for(caller, *token, *request.http.loop, std::move(respond));
}

void IssuerMode::revoke_for(const store::ClientRecord& caller, std::string_view token, boost::asio::io_context& loop,
                            http::Respond respond) const {
  int64_t now = unix_now();
  const KeySet& keys = store::read_snapshot(state_.keys);
  auto verified = jose::verify_access_token(token, keys.public_keys, {state_.settings.issuer, {}}, now);
  const auto* claims = std::get_if<boost::json::object>(&verified);
  if (!claims) return respond(empty_ok());  // not a live token of ours: nothing to revoke
  if (string_claim(*claims, "client_id") != caller.id)
    return respond(oauth::OAuthError{400, "unauthorized_client",
                                     "The token was not issued to this client; a client may revoke only its own "
                                     "tokens (RFC 7009 §2.1)."}
                       .to_response());
  std::string jti = string_claim(*claims, "jti");
  if (jti.empty() || store::read_snapshot(state_.revocations).token_revoked(jti)) return respond(empty_ok());

  store::RevocationRecord record{store::RevocationRecord::Kind::token, jti, caller.id, now,
                                 std::max(integer_claim(*claims, "exp"), now)};
  auto answer = http::answer_on<http::Response>(loop, std::move(respond));
  bool queued = writer_.post([this, record, answer] {
    try {
      store_.add_revocation(record);
      // Honoured before the client hears it is done: added to the snapshot, not reloaded with it.
      state_.revocation_updates.add({record}, /*local=*/true);
      answer(empty_ok());
    } catch (const std::exception& e) {
      spdlog::error("revocation not stored: {}", e.what());
      answer(http::json_error(503, "temporarily_unavailable",
                              "The revocation could not be stored (the store is unavailable); retry shortly."));
    }
  });
  if (!queued)
    answer(http::json_error(503, "temporarily_unavailable", "Too many revocations are waiting to be stored; retry shortly."));
}

http::Response IssuerMode::status_list(const http::Request& request, std::string_view list) const {
  int64_t now = unix_now();
  // Each new list costs a signature, and this route is open to all: only names a node of this
  // deployment made (their tag checks) are signed.
  const auto& names = state_.settings.status_list_names;
  if (!is_status_list_id(list) || (names && !names->may_exist(list, now)))
    return http::json_error(404, "not_found", "There is no status list with that name.");
  const RevocationSnapshot& revocations = store::read_snapshot(state_.revocations);
  // Only a generation some client has, or had until its tokens were revoked: a list that names no
  // one is not signed for whoever asks (each would cost a signature).
  std::string_view generation = list.substr(0, list.find('.'));
  if (!store::read_snapshot(state_.clients).has_generation(generation) && !revocations.generation_revoked(generation))
    return http::json_error(404, "not_found", "There is no status list with that name.");
  const KeySet& keys = store::read_snapshot(state_.keys);
  if (!keys.active)
    return http::json_error(503, "temporarily_unavailable", "The server has no signing key loaded yet; retry shortly.");
  SignedList signed_list;
  {
    std::lock_guard lock(lists_mutex_);
    auto it = lists_.find(std::string(list));
    if (it != lists_.end() && it->second.revocations_version == state_.revocations.version() &&
        it->second.keys_version == state_.keys.version() && now - it->second.signed_at < kStatusListTtl / 2) {
      signed_list = it->second;
    }
  }
  if (signed_list.jwt.empty()) {
    std::string lst = encode_status_list(status_list_bits(list, revocations));
    std::string uri = state_.settings.issuer + "/statuslists/" + std::string(list);
    auto digest = common::sha256(lst);
    signed_list = {status_list_token(keys, uri, lst, now),
                   "W/\"" + common::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 16)) + "\"",
                   now, state_.revocations.version(), state_.keys.version()};
    std::lock_guard lock(lists_mutex_);
    if (lists_.size() > 10000) lists_.clear();  // bounded, whatever names are asked for
    lists_[std::string(list)] = signed_list;
  }
  http::Response r;
  r.header("Cache-Control", "public, max-age=" + std::to_string(kStatusListTtl));
  r.header("ETag", signed_list.etag);
  if (http::etag_matches(request.if_none_match, signed_list.etag)) {
    r.status = 304;
    r.content_type = {};
    return r;
  }
  r.content_type = "application/statuslist+jwt";
  r.body = std::move(signed_list.jwt);
  return r;
}

http::Response IssuerMode::status_list_aggregation() const {
  // The lists that hold revoked tokens, and every list this server has issued tokens into.
  std::vector<std::string> lists = store::read_snapshot(state_.revocations).lists();
  auto opened = opened_status_lists();
  lists.insert(lists.end(), opened.begin(), opened.end());
  std::sort(lists.begin(), lists.end());
  lists.erase(std::unique(lists.begin(), lists.end()), lists.end());
  boost::json::array uris;
  for (const auto& list : lists) uris.push_back(boost::json::string(state_.settings.issuer + "/statuslists/" + list));
  http::Response r;
  r.header("Cache-Control", "public, max-age=" + std::to_string(kStatusListTtl));
  r.body = boost::json::serialize(boost::json::object{{"status_lists", std::move(uris)}});
  return r;
}

void IssuerMode::published_keys(boost::asio::io_context&, std::function<void(front::PublishedKeys)> done) const {
  // Verifiers must refresh their copy well within the publish delay, to know a key before it signs.
  int64_t max_age = std::min<int64_t>(60, state_.settings.key_publish_delay / 2);
  done({store::read_snapshot(state_.keys).jwks_json, {}, max_age});
}

// Ready while a key is loaded: an unreachable store does not stop token traffic, which is served
// from the snapshot last loaded (clients, keys, revocations as they were then).
observe::HealthReport IssuerMode::readiness() const {
  bool key = store::read_snapshot(state_.keys).active != nullptr;
  bool store = watcher_.healthy();
  std::string store_state =
      store ? "reachable"
            : "store unreachable, serving from a snapshot " + std::to_string(watcher_.snapshot_age()) + " s old";
  // Limits never make a node unready: without the store they are held by each node alone.
  bool local = (quotas_ && quotas_->local_only()) || (shared_limits_ && shared_limits_->local_only());
  std::string limits = local ? "node-local: the store is unreachable, quotas and lock-outs are counted by each node alone"
                       : shared_limits_ ? "shared by " + std::to_string(shared_limits_->live_nodes()) + " nodes"
                                        : "one node";
  return {key, {{"signing_key", key ? "loaded" : "missing"}, {"store", store_state}, {"limits", limits}}};
}

observe::HealthReport IssuerMode::health() const {
  const KeySet& keys = store::read_snapshot(state_.keys);
  bool store_ok = watcher_.healthy();
  boost::json::object key{{"loaded", keys.active != nullptr}};
  if (keys.active) {
    key["kid"] = keys.active->kid();
    key["alg"] = jose::to_string(keys.active->algorithm());
  }
  return {store_ok && keys.active,
          // Any token holder reads this: whether it works, not the store's latencies and error
          // rates (those are in /metrics, on the admin listener).
          {{"store", boost::json::object{{"reachable", store_ok}, {"snapshot_age_s", watcher_.snapshot_age()}}},
           {"signing_key", std::move(key)}}};
}

}  // namespace tokengate::issuer
