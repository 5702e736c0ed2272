// tokengate::Verifier: the keys (discovered, fetched, kept per Cache-Control, refetched on an unknown
// kid at most once per interval), the checks of jose::verify_access_token, and the status lists.
#include "tokengate/verifier.hpp"

#include <condition_variable>
#include <ctime>
#include <atomic>
#include <climits>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "client/discovery.hpp"
#include "client/http_fetch.hpp"
#include "client/key_refresh_policy.hpp"
#include "client/status_list_cache.hpp"
#include "common/job_thread.hpp"
#include "common/scope_list.hpp"
#include "common/base64url.hpp"
#include "jose/jwt_verifier.hpp"
#include "tokengate/error.hpp"

namespace tokengate {
namespace {

using Clock = std::chrono::steady_clock;
using client::KeyRefreshPolicy;

// What a Claims shares: the parsed object, and its JSON text made when first asked for.
struct ClaimsState {
  boost::json::object object;
  mutable std::once_flag serialized;
  mutable std::string json;
};

const ClaimsState* state_of(const std::shared_ptr<const void>& p) { return static_cast<const ClaimsState*>(p.get()); }

const boost::json::object& object_of(const std::shared_ptr<const void>& p) {
  static const boost::json::object empty;
  return p ? state_of(p)->object : empty;
}

// What the header says, read before the keys are chosen: its kid (to know whether a refetch may
// help) and whether its alg is one we accept at all.
struct Header {
  std::string kid;
  std::string alg;
  bool parsed = false;
};

Header read_header(std::string_view token) {
  Header h;
  size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) == std::string_view::npos) return h;
  auto text = common::base64url_decode(token.substr(0, dot));
  if (!text) return h;
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  if (ec || !v.is_object()) return h;
  const auto& o = v.as_object();
  if (auto it = o.find("kid"); it != o.end() && it->value().is_string()) h.kid = std::string(it->value().as_string());
  if (auto it = o.find("alg"); it != o.end() && it->value().is_string()) h.alg = std::string(it->value().as_string());
  h.parsed = true;
  return h;
}

VerifyResult::Error error_of(jose::JwtFailure::Reason reason) {
  using R = jose::JwtFailure::Reason;
  using E = VerifyResult::Error;
  switch (reason) {
    case R::malformed: return E::malformed;
    case R::unknown_key: return E::unknown_key;
    case R::bad_signature: return E::bad_signature;
    case R::wrong_type: return E::wrong_type;
    case R::wrong_issuer: return E::wrong_issuer;
    case R::wrong_audience: return E::wrong_audience;
    case R::expired: return E::expired;
    case R::not_yet_valid: return E::not_yet_valid;
    case R::revoked: return E::revoked;
  }
  return E::malformed;
}

// The status claim's list entry (draft-ietf-oauth-status-list §6.2), if the token has one.
struct StatusEntry {
  std::string uri;
  uint64_t index = 0;
};

// `https_only`: the issuer is https, so its lists must be too (a list fetched in clear could be
// replaced by an older one, signed but stale).
std::optional<StatusEntry> status_entry(const boost::json::object& claims, bool https_only, std::string& problem) {
  auto status = claims.find("status");
  if (status == claims.end()) return std::nullopt;
  const boost::json::object* s = status->value().if_object();
  const boost::json::value* list = s ? s->if_contains("status_list") : nullptr;
  const boost::json::object* l = list ? list->if_object() : nullptr;
  const boost::json::value* idx = l ? l->if_contains("idx") : nullptr;
  const boost::json::value* uri = l ? l->if_contains("uri") : nullptr;
  if (!idx || !uri || !uri->is_string() || !(idx->is_int64() || idx->is_uint64()) ||
      (idx->is_int64() && idx->as_int64() < 0)) {
    problem = "The token's status claim is not a status_list {idx, uri}.";
    return StatusEntry{};
  }
  std::string u(uri->as_string());
  if (!u.starts_with("https://") && (https_only || !u.starts_with("http://"))) {
    problem = https_only ? "The token's status list URI is not an https URL." : "The token's status list URI is not an http(s) URL.";
    return StatusEntry{};
  }
  return StatusEntry{std::move(u), idx->is_int64() ? static_cast<uint64_t>(idx->as_int64()) : idx->as_uint64()};
}

// A NumericDate claim (RFC 7519 §2: it may have a fraction) in whole seconds, rounded the safe way
// for what it bounds: `exp` down, `nbf` up. Out of range or not a number: nullopt.
std::optional<int64_t> whole_seconds(const boost::json::object& claims, const char* name, bool round_up) {
  const boost::json::value* v = claims.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return v->as_uint64() <= INT64_MAX ? std::optional<int64_t>(static_cast<int64_t>(v->as_uint64())) : std::nullopt;
  if (!v->is_double()) return std::nullopt;
  double d = round_up ? std::ceil(v->as_double()) : std::floor(v->as_double());
  if (!(d > -9.2e18 && d < 9.2e18)) return std::nullopt;
  return static_cast<int64_t>(d);
}

// A token this thread verified lately, with what its answer depends on: the key set it was checked
// against, its exp and nbf, and its status list entry while that list is fresh. Only successes are
// kept (garbage must not fill it); bounded.
struct Remembered {
  std::string token;
  VerifyResult result;
  uint64_t keys_version = 0;
  int64_t exp = 0;
  int64_t nbf = INT64_MIN;
  bool has_status = false;
  Clock::time_point status_fresh_until{};
};

struct ThreadMemory {
  uint64_t owner = 0;  // the verifier whose answers these are (an id: an address may be reused)
  std::unordered_map<size_t, Remembered> tokens;
};
std::atomic<uint64_t> g_next_verifier_id{1};
thread_local ThreadMemory t_memory;
constexpr size_t kRememberedPerThread = 4096;

}  // namespace

// ---- Claims and VerifyResult ------------------------------------------------------------------

const std::string& Claims::json() const {
  static const std::string empty = "{}";
  const ClaimsState* s = state_of(state_);
  if (!s) return empty;
  std::call_once(s->serialized, [s] { s->json = boost::json::serialize(s->object); });
  return s->json;
}

std::optional<std::string> Claims::string(std::string_view name) const {
  const auto& o = object_of(state_);
  auto it = o.find(name);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().as_string());
}

std::optional<int64_t> Claims::integer(std::string_view name) const {
  const auto& o = object_of(state_);
  auto it = o.find(name);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64() && it->value().as_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(it->value().as_uint64());
  return std::nullopt;
}

std::vector<std::string> Claims::scopes() const { return common::split_scopes(string("scope").value_or("")); }

bool Claims::has_scope(std::string_view scope) const {
  for (const auto& s : scopes()) {
    if (s == scope) return true;
  }
  return false;
}

VerifyResult VerifyResult::success(Claims claims) {
  VerifyResult r;
  r.claims_ = std::move(claims);
  return r;
}

VerifyResult VerifyResult::failure(Error error, std::string message) {
  VerifyResult r;
  r.error_ = error;
  r.message_ = std::move(message);
  return r;
}

// ---- The verifier -----------------------------------------------------------------------------

struct Verifier::Impl {
  const uint64_t id = g_next_verifier_id.fetch_add(1);
  VerifierOptions options;
  std::vector<jose::Algorithm> algorithms;
  KeyRefreshPolicy policy;

  mutable std::mutex mutex;  // everything below, but the list cache and the worker
  std::condition_variable fetched;
  std::shared_ptr<const jose::PublicKeySet> keys;
  PublishedKeys published;
  std::string issuer;  // what `iss` must be: the configured one, or the one the metadata named
  KeyRefreshPolicy::Cache cache;
  std::chrono::seconds keys_max_age;
  uint64_t fetches = 0;
  // Read without the mutex by the fast path: which key set is current, and until when it may be
  // used without looking at the store of keys again.
  std::atomic<uint64_t> keys_version{0};
  std::atomic<Clock::rep> keys_fresh_until{0};

  client::StatusListCache lists{1000, std::chrono::seconds(60)};
  common::JobThread worker{1000};  // last: joined first, while the rest still exists


  // Fetches the keys now (one caller at a time; the others wait for its result).
  void fetch_keys() {
    std::unique_lock lock(mutex);
    if (cache.fetching) {
      fetched.wait(lock, [this] { return !cache.fetching; });
      return;
    }
    cache.fetching = true;
    lock.unlock();

    PublishedKeys found;
    std::shared_ptr<const jose::PublicKeySet> set;
    std::string named_issuer = options.issuer;
    std::chrono::seconds age = options.max_keys_age;
    try {
      std::string url = options.jwks_url;
      if (url.empty()) {
        found.metadata = client::discover(options.issuer, client::request_with(options));
        url = found.metadata.jwks_uri;
        if (url.empty())
          throw Error(Error::Code::bad_response, "the metadata of " + options.issuer + " names no usable jwks_uri");
      }
      client::FetchRequest req = client::request_with(options);
      req.url = url;
      req.headers = {{"Accept", "application/jwk-set+json, application/json"}};
      client::FetchResponse res = client::fetch(req);
      if (res.status != 200)
        throw Error(Error::Code::bad_response, "GET " + url + " answered HTTP " + std::to_string(res.status), res.status);
      boost::system::error_code ec;
      auto v = boost::json::parse(res.body, ec);
      if (ec || !v.is_object()) throw Error(Error::Code::bad_response, url + " is not a JSON object");
      set = std::make_shared<const jose::PublicKeySet>(jose::PublicKeySet::from_jwks(v.as_object()).only(algorithms));
      if (set->size() == 0) throw Error(Error::Code::bad_response, url + " holds no usable signing key");
      found.available = true;
      found.jwks_json = std::move(res.body);
      if (auto a = client::max_age(res.cache_control)) age = std::clamp(*a, options.min_keys_age, options.max_keys_age);
    } catch (const std::exception& e) {
      found.error = e.what();
    }

    lock.lock();
    ++fetches;
    if (set) {  // a failed fetch keeps the keys we had: a brief outage refuses no valid token
      keys = std::move(set);
      published = std::move(found);
      keys_max_age = age;
      keys_version.fetch_add(1, std::memory_order_release);
      keys_fresh_until.store((Clock::now() + age).time_since_epoch().count(), std::memory_order_release);
    } else {
      published.error = found.error;
      if (!keys) published.available = false;
    }
    cache.fetching = false;
    cache.fetched_once = true;
    cache.fetched_at = Clock::now();
    lock.unlock();
    fetched.notify_all();
  }

  // The keys to verify with, if they may be used as they are for `kid`.
  std::optional<std::shared_ptr<const jose::PublicKeySet>> usable_keys(const std::string& kid) const {
    std::lock_guard lock(mutex);
    if (!options.jwks_json.empty()) return keys;  // fixed keys: nothing to fetch
    bool known = keys && (kid.empty() ? true : keys->find(kid) != nullptr);
    KeyRefreshPolicy p = policy;
    p.max_age = keys_max_age;
    if (p.decide(cache, known, Clock::now()) == KeyRefreshPolicy::Action::answer_now) return keys;
    return std::nullopt;
  }

  std::optional<PublishedKeys> try_keys() const {
    if (!usable_keys("")) return std::nullopt;
    std::lock_guard lock(mutex);
    return published;
  }

  PublishedKeys current_keys() {
    if (auto k = try_keys()) return *k;
    fetch_keys();
    std::lock_guard lock(mutex);
    return published;
  }

  std::string fetch_status_list(const std::string& uri) const {
    client::FetchRequest req = client::request_with(options);
    req.url = uri;
    req.headers = {{"Accept", "application/statuslist+jwt"}};
    client::FetchResponse res = client::fetch(req);
    if (res.status != 200) throw Error(Error::Code::bad_response, "GET " + uri + " answered HTTP " + std::to_string(res.status));
    return res.body;
  }

  // A token this thread verified before, still good on every count: no parsing, no signature.
  std::optional<VerifyResult> recall(std::string_view token, size_t hash, int64_t now) const {
    if (t_memory.owner != id) return std::nullopt;
    auto it = t_memory.tokens.find(hash);
    if (it == t_memory.tokens.end() || it->second.token != token) return std::nullopt;
    const Remembered& r = it->second;
    if (r.keys_version != keys_version.load(std::memory_order_acquire)) return std::nullopt;
    Clock::time_point clock = Clock::now();
    if (clock.time_since_epoch().count() >= keys_fresh_until.load(std::memory_order_acquire)) return std::nullopt;
    int64_t leeway = options.leeway.count();
    if (r.exp <= now - leeway || r.nbf > now + leeway) return std::nullopt;
    if (r.has_status && clock >= r.status_fresh_until) return std::nullopt;
    return r.result;
  }

  void remember(std::string_view token, size_t hash, const VerifyResult& result, uint64_t version,
                const boost::json::object& claims, bool has_status, Clock::time_point status_fresh_until) const {
    if (t_memory.owner != id) {
      t_memory.owner = id;
      t_memory.tokens.clear();
    }
    if (t_memory.tokens.size() >= kRememberedPerThread) t_memory.tokens.clear();
    Remembered r{std::string(token), result, version, 0, INT64_MIN, has_status, status_fresh_until};
    auto exp = whole_seconds(claims, "exp", false);
    if (!exp) return;
    r.exp = *exp;
    r.nbf = whole_seconds(claims, "nbf", true).value_or(INT64_MIN);
    t_memory.tokens[hash] = std::move(r);
  }

  // One verification; with `may_fetch` false, nullopt where a fetch is needed.
  std::optional<VerifyResult> run(std::string_view token, bool may_fetch) {
    using E = VerifyResult::Error;
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    size_t hash = std::hash<std::string_view>{}(token);
    if (auto known = recall(token, hash, now)) return known;

    Header header = read_header(token);
    if (!header.parsed) return VerifyResult::failure(E::malformed, "The token is not a JWT (three base64url parts, a JSON header).");
    auto alg = jose::parse_algorithm(header.alg);
    bool allowed = false;
    for (auto a : algorithms) allowed = allowed || (alg && *alg == a);
    if (!allowed)
      return VerifyResult::failure(E::unsupported_algorithm, "The token's alg '" + header.alg.substr(0, 16) +
                                                                 "' is not accepted (never none, never an HMAC).");
    uint64_t version = keys_version.load(std::memory_order_acquire);
    auto keys_now = usable_keys(header.kid);
    if (!keys_now) {
      if (!may_fetch) return std::nullopt;
      fetch_keys();
      std::lock_guard lock(mutex);
      keys_now = keys;
    }
    std::shared_ptr<const jose::PublicKeySet> set = *keys_now;
    if (!set) {
      std::lock_guard lock(mutex);
      return VerifyResult::failure(E::keys_unavailable, "The issuer's keys are not available: " + published.error);
    }
    jose::JwtExpectations expect;
    {
      std::lock_guard lock(mutex);
      expect.issuer = issuer.empty() ? published.metadata.issuer : issuer;
      if (set == keys) version = keys_version.load(std::memory_order_acquire);
    }
    expect.audience = options.audience;
    expect.type = options.type;
    expect.leeway_seconds = options.leeway.count();
    expect.remember_signatures = false;  // this class remembers tokens itself (recall, remember)
    auto verified = jose::verify_access_token(token, *set, expect, now);
    if (auto* failure = std::get_if<jose::JwtFailure>(&verified))
      return VerifyResult::failure(error_of(failure->reason), failure->message);
    auto state = std::make_shared<ClaimsState>();
    state->object = std::get<boost::json::object>(std::move(verified));
    const boost::json::object& claims = state->object;

    bool has_status = false;
    Clock::time_point status_fresh_until{};
    if (options.check_status) {
      std::string problem;
      auto entry = status_entry(claims, expect.issuer.starts_with("https://"), problem);
      if (!problem.empty()) return VerifyResult::failure(E::malformed, problem);
      if (entry) {
        has_status = true;
        auto looked = lists.lookup(entry->uri, entry->index);
        if (looked.state == client::StatusListCache::Lookup::State::unknown) {
          if (!may_fetch) return std::nullopt;
          auto fetched_list = lists.fetch_and_lookup(
              entry->uri, entry->index, [this](const std::string& uri) { return fetch_status_list(uri); }, *set,
              expect.issuer);
          if (auto* error = std::get_if<std::string>(&fetched_list))
            return VerifyResult::failure(E::status_unavailable, "The token's status cannot be checked: " + *error + ".");
          looked = std::get<client::StatusListCache::Lookup>(fetched_list);
        }
        if (looked.state == client::StatusListCache::Lookup::State::revoked)
          return VerifyResult::failure(E::revoked, "The token has been revoked (its status list says so).");
        status_fresh_until = looked.fresh_until;
      }
    }
    VerifyResult result = VerifyResult::success(Claims(std::move(state)));
    remember(token, hash, result, version, claims, has_status, status_fresh_until);
    return result;
  }
};

Verifier::Verifier(VerifierOptions options) : impl_(std::make_shared<Impl>()) {
  Impl& i = *impl_;
  i.options = std::move(options);
  // With discovery, `iss` must be the issuer the metadata names, exactly (RFC 8414 §3.3; discovery
  // checks it against the configured one); with keys given, the configured one, exactly.
  if (!i.options.jwks_url.empty() || !i.options.jwks_json.empty()) i.issuer = i.options.issuer;
  for (const auto& name : i.options.algorithms) {
    auto alg = jose::parse_algorithm(name);
    if (!alg) throw Error(Error::Code::configuration, "algorithm '" + name + "' is not ES256, EdDSA or RS256");
    i.algorithms.push_back(*alg);
  }
  if (i.algorithms.empty()) throw Error(Error::Code::configuration, "no algorithm is accepted");
  if (i.options.min_keys_age > i.options.max_keys_age)
    throw Error(Error::Code::configuration, "min_keys_age is longer than max_keys_age");
  i.policy.unknown_kid_interval = i.options.unknown_kid_interval;
  i.keys_max_age = i.options.max_keys_age;
  if (!i.options.jwks_json.empty()) {
    boost::system::error_code ec;
    auto v = boost::json::parse(i.options.jwks_json, ec);
    if (ec || !v.is_object()) throw Error(Error::Code::configuration, "jwks_json is not a JSON object");
    i.keys = std::make_shared<const jose::PublicKeySet>(jose::PublicKeySet::from_jwks(v.as_object()).only(i.algorithms));
    i.published.available = true;
    i.published.jwks_json = i.options.jwks_json;
    i.cache.fetched_once = true;
    i.keys_fresh_until.store(Clock::time_point::max().time_since_epoch().count());
  } else if (i.options.jwks_url.empty() && i.options.issuer.empty()) {
    throw Error(Error::Code::configuration, "a Verifier needs an issuer (to discover its keys), a jwks_url or jwks_json");
  }
}

Verifier::~Verifier() = default;

VerifyResult Verifier::verify(std::string_view token) { return *impl_->run(token, true); }

std::optional<VerifyResult> Verifier::try_verify(std::string_view token) { return impl_->run(token, false); }

void Verifier::async_verify(std::string token, std::function<void(VerifyResult)> done) {
  Impl* impl = impl_.get();
  auto job = [impl, token = std::move(token), done]() { done(*impl->run(token, true)); };
  if (!impl->worker.post(job))
    done(VerifyResult::failure(VerifyResult::Error::keys_unavailable, "Too many verifications are waiting for keys."));
}

std::optional<PublishedKeys> Verifier::try_keys() { return impl_->try_keys(); }

PublishedKeys Verifier::keys() { return impl_->current_keys(); }

void Verifier::async_keys(std::function<void(PublishedKeys)> done) {
  Impl* impl = impl_.get();  // the worker is joined before the rest of *impl goes
  if (!impl->worker.post([impl, done] { done(impl->current_keys()); })) {
    PublishedKeys none;
    none.error = "too many callers are waiting for the keys";
    done(none);
  }
}

uint64_t Verifier::key_fetches() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->fetches;
}

}  // namespace tokengate
