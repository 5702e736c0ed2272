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
#include "issuer/client_assertion.hpp"
#include "issuer/client_check.hpp"
#include "issuer/client_credentials_grant.hpp"
#include "issuer/introspection.hpp"
#include "issuer/status_list.hpp"
#include "issuer/token_inspection.hpp"
#include "issuer/token_status.hpp"
#include "common/base64url.hpp"
#include "common/sha256.hpp"

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

http::Response empty_ok() {
  http::Response r;
  r.content_type = {};
  r.no_store = true;
  return r;
}

}  // namespace

IssuerMode::IssuerMode(IssuerState& state, store::StoreWatcher& watcher, store::Store& store)
    : state_(state), watcher_(watcher), store_(store), verifier_(state), ledger_(store) {}

AuthResult IssuerMode::check_secret(const oauth::PresentedCredentials& credentials, std::string_view address) const {
  bool used_previous = false;
  AuthResult auth = check_client(credentials, store::read_snapshot(state_.clients), unix_now(), &used_previous);
  if (used_previous && notes_ && std::holds_alternative<const store::ClientRecord*>(auth))
    notes_->used_old_secret(credentials.id, address);
  return auth;
}

void IssuerMode::authenticate_by_assertion(const oauth::TokenRequest& request,
                                           const oauth::PresentedCredentials& credentials,
                                           std::function<void(ClientOrError)> then) const {
  auto answer = http::answer_on<ClientOrError>(*request.http.loop, std::move(then));
  UnverifiedNames names = peek_assertion(credentials.assertion);
  if (auto trusted = state_.trusted_issuers.find(names.iss, names.sub))
    return authenticate_federated(std::move(trusted), names.kid, credentials.assertion,
                                  std::string(request.body.get("client_id").value_or("")),
                                  std::string(request.http.client_address), std::move(answer));
  // A client's own assertion names the client as iss; a URL there is an issuer nobody trusts.
  if (names.iss.find("://") != std::string::npos)
    return answer(oauth::OAuthError::invalid_client(
        "The client_assertion's issuer '" + common::safe_echo(names.iss, 120) +
            "' is not trusted here; an operator trusts one with tokengate federation add.",
        false));
  auto clients = state_.clients.load();  // held: the client record outlives a fetch
  const store::ClientRecord* client = clients->find(credentials.id);
  // RFC 7523 §3 item 3: the issuer identifies this server; the URL posted to does too.
  AssertionRules rules;
  rules.audiences = {state_.settings.issuer, state_.settings.issuer + std::string(request.http.path),
                     state_.settings.issuer + "/connect/token"};
  const std::string& kid = names.kid;

  auto verify = [this, clients, client, id = credentials.id, assertion = credentials.assertion,
                 rules = std::move(rules), answer](const ClientKeys::Found& found) {
    int64_t now = unix_now();
    auto verified = verify_client_assertion(assertion, id, found.keys.get(), rules, now);
    if (auto* e = std::get_if<oauth::OAuthError>(&verified)) {
      if (client && !found.error.empty())
        e->description += " The client's keys could not be fetched from its jwks_uri: " + found.error;
      return answer(*e);
    }
    if (!client->enabled)
      return answer(oauth::OAuthError::invalid_client("The client is disabled.", false));
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
  };

  ClientKeys::Found found = client ? state_.client_keys.find(*client, kid) : ClientKeys::Found{};
  if (!found.fetch_first) return verify(found);
  bool queued = key_fetcher_.post([this, client, kid, cache = found.fetch_first, verify] {
    cache->fetch_now();  // failed or not: find says what there is
    verify(state_.client_keys.find(*client, kid));
  });
  if (!queued)
    answer(oauth::OAuthError{503, "temporarily_unavailable", "Too many client key fetches are waiting; retry shortly."});
}

void IssuerMode::authenticate_federated(std::shared_ptr<const TrustedIssuers::Issuer> issuer, const std::string& kid,
                                        std::string assertion, std::string named_client, std::string address,
                                        std::function<void(const ClientOrError&)> answer) const {
  auto verify = [this, issuer, assertion = std::move(assertion), named_client = std::move(named_client),
                 address = std::move(address), answer](const std::shared_ptr<const client::KeyCache::Keys>& keys) {
    std::string whose = "of the trusted issuer " + issuer->issuer;
    if (!keys || !keys->set) whose += " (its keys could not be had: " + issuer->keys->last_error() + ")";
    auto verified = signed_claims(assertion, keys ? keys->set.get() : nullptr, whose);
    if (auto* e = std::get_if<oauth::OAuthError>(&verified)) return answer(*e);
    auto mapped = map_federated_subject(std::get<boost::json::object>(verified), *issuer, named_client, unix_now());
    if (auto* e = std::get_if<oauth::OAuthError>(&mapped)) return answer(*e);
    auto& federated = std::get<FederatedClient>(mapped);
    auto clients = state_.clients.load();
    const store::ClientRecord* client = clients->find(federated.client_id);
    if (!client || !client->enabled)
      return answer(oauth::OAuthError::invalid_client(
          "The client '" + federated.client_id + "' the federation names does not exist or is disabled.", false));
    if (notes_) notes_->federated(client->id, address, federated.who);
    answer(Authenticated{*client, std::move(federated.who)});
  };
  if (auto keys = issuer->keys->usable(kid)) return verify(keys);
  bool queued = key_fetcher_.post([issuer, verify] { verify(issuer->keys->fetch_now()); });
  if (!queued)
    answer(oauth::OAuthError{503, "temporarily_unavailable", "Too many key fetches are waiting; retry shortly."});
}

void IssuerMode::issue_token(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                             const front::ClientGate& gate, http::Respond respond) const {
  if (credentials.by_assertion()) {
    return authenticate_by_assertion(
        request, credentials,
        [this, &gate, body = request.body, sdk_route = request.sdk_route, respond = std::move(respond)](ClientOrError auth) {
          if (auto* e = std::get_if<oauth::OAuthError>(&auth)) return respond(e->to_response());
          const auto& authenticated = std::get<Authenticated>(auth);
          const store::ClientRecord& client = authenticated.client;
          if (auto refusal = gate.admit(client.id)) return respond(std::move(*refusal));
          GrantAsk ask{body, sdk_route, authenticated.actor ? &*authenticated.actor : nullptr};
          auto result = grant_client_credentials(ask, client, store::read_snapshot(state_.keys), state_.settings);
          if (auto* e = std::get_if<oauth::OAuthError>(&result)) return respond(e->to_response());
          respond(std::get<http::Response>(std::move(result)));
        });
  }
  AuthResult auth = check_secret(credentials, request.http.client_address);
  if (auto* e = std::get_if<oauth::OAuthError>(&auth)) return respond(e->to_response());
  const store::ClientRecord& client = *std::get<const store::ClientRecord*>(auth);
  if (auto refusal = gate.admit(client.id)) return respond(std::move(*refusal));

  auto result = grant_client_credentials(request, client, store::read_snapshot(state_.keys), state_.settings);
  if (auto* e = std::get_if<oauth::OAuthError>(&result)) return respond(e->to_response());
  respond(std::get<http::Response>(std::move(result)));
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
          respond(introspection_response(inspect_access_token(*token, state_, {}, unix_now()),
                                         std::get<Authenticated>(auth).client));
        });
  }
  AuthResult auth = check_secret(credentials, request.http.client_address);
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
          revoke_for(std::get<Authenticated>(auth).client, *token, *loop, respond);
        });
  }
  AuthResult auth = check_secret(credentials, request.http.client_address);
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
  return {key, {{"signing_key", key ? "loaded" : "missing"}, {"store", store_state}}};
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
