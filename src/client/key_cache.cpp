#include "client/key_cache.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>

#include "client/discovery.hpp"
#include "tokengate/error.hpp"

namespace tokengate::client {
namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<const jose::PublicKeySet> key_set_of(const std::string& jwks_json, const std::vector<jose::Algorithm>& algorithms,
                                                     const std::string& where, Error::Code code) {
  boost::system::error_code ec;
  auto v = boost::json::parse(jwks_json, ec);
  if (ec || !v.is_object()) throw Error(code, where + " is not a JSON object");
  return std::make_shared<const jose::PublicKeySet>(jose::PublicKeySet::from_jwks(v.as_object()).only(algorithms));
}

}  // namespace

KeyCache::KeyCache(Settings settings, FetchFunction fetch)
    : settings_(std::move(settings)), fetch_(std::move(fetch)), age_(settings_.max_age) {
  policy_.unknown_kid_interval = settings_.unknown_kid_interval;
  auto start = std::make_shared<Current>();
  if (!settings_.jwks_json.empty()) {
    start->keys.set = key_set_of(settings_.jwks_json, settings_.algorithms, "jwks_json", Error::Code::configuration);
    start->keys.issuer = settings_.issuer;
    start->published.available = true;
    start->published.jwks_json = settings_.jwks_json;
    start->fresh_until = Clock::time_point::max();
    cache_.fetched_once = true;
  }
  current_.store(std::move(start));
}

KeyCache::~KeyCache() = default;

std::shared_ptr<const KeyCache::Keys> KeyCache::usable(std::string_view kid) const {
  auto c = current();
  auto keys_of = [](std::shared_ptr<const Current> c) { return std::shared_ptr<const Keys>(c, &c->keys); };
  bool known = c->keys.set && (kid.empty() || c->keys.set->find(kid) != nullptr);
  if (known && Clock::now() < c->fresh_until) return keys_of(std::move(c));  // the common case: no lock
  if (!settings_.jwks_json.empty()) return keys_of(std::move(c));            // fixed keys: nothing to fetch
  std::lock_guard lock(mutex_);
  c = current();
  known = c->keys.set && (kid.empty() || c->keys.set->find(kid) != nullptr);
  KeyRefreshPolicy p = policy_;
  p.max_age = age_;
  if (p.decide(cache_, known, Clock::now()) == KeyRefreshPolicy::Action::answer_now) return keys_of(std::move(c));
  return nullptr;
}

std::shared_ptr<const KeyCache::Keys> KeyCache::fetch_now() {
  std::unique_lock lock(mutex_);
  if (cache_.fetching) {
    fetched_.wait(lock, [this] { return !cache_.fetching; });
    auto c = current();
    return std::shared_ptr<const Keys>(c, &c->keys);
  }
  cache_.fetching = true;
  lock.unlock();

  PublishedKeys found;
  std::shared_ptr<const jose::PublicKeySet> set;
  std::chrono::seconds age = settings_.max_age;
  try {
    std::string url = settings_.jwks_url;
    if (url.empty()) {
      found.metadata = discover(settings_.issuer, settings_.transport, fetch_);
      url = found.metadata.jwks_uri;
      if (url.empty())
        throw Error(Error::Code::bad_response, "the metadata of " + settings_.issuer + " names no usable jwks_uri");
    }
    FetchRequest req = settings_.transport;
    req.url = url;
    req.headers = {{"Accept", "application/jwk-set+json, application/json"}};
    FetchResponse res = fetch_(req);
    if (res.status != 200)
      throw Error(Error::Code::bad_response, "GET " + url + " answered HTTP " + std::to_string(res.status), res.status);
    set = key_set_of(res.body, settings_.algorithms, url, Error::Code::bad_response);
    if (set->size() == 0) throw Error(Error::Code::bad_response, url + " holds no usable signing key");
    found.available = true;
    found.jwks_json = std::move(res.body);
    if (auto a = max_age(res.cache_control)) age = std::clamp(*a, settings_.min_age, settings_.max_age);
  } catch (const std::exception& e) {
    found.error = e.what();
  }

  // Built before the lock, while this caller is the only writer (fetching is set); the allocation
  // is in the try, so that a failure cannot leave `fetching` set for ever.
  std::shared_ptr<Current> next;
  try {
    next = std::make_shared<Current>(*current());
    if (set) {
      // With discovery, `iss` must be the issuer the metadata names, exactly (RFC 8414 §3.3; discovery
      // checks it against the configured one); with a JWKS URL, the configured one.
      next->keys = Keys{std::move(set), settings_.jwks_url.empty() ? found.metadata.issuer : settings_.issuer};
      next->published = std::move(found);
    } else {  // a failed fetch keeps the keys we had: a brief outage refuses no valid token
      next->published.error = found.error;
      if (!next->keys.set) next->published.available = false;
    }
  } catch (...) {
    next = nullptr;
  }

  lock.lock();
  ++fetches_;
  if (next) {
    if (next->published.error.empty()) age_ = age;
    if (next->keys.set) next->fresh_until = Clock::now() + age_;  // failed or not, asked again after age_
    current_.store(next, std::memory_order_release);
  }
  cache_.fetching = false;
  cache_.fetched_once = true;
  cache_.fetched_at = Clock::now();
  lock.unlock();
  fetched_.notify_all();
  auto c = current();
  return std::shared_ptr<const Keys>(c, &c->keys);
}

std::optional<PublishedKeys> KeyCache::try_published() const {
  if (!usable("")) return std::nullopt;
  return current()->published;
}

PublishedKeys KeyCache::published() {
  if (auto p = try_published()) return *p;
  fetch_now();
  return current()->published;
}

uint64_t KeyCache::fetches() const {
  std::lock_guard lock(mutex_);
  return fetches_;
}

}  // namespace tokengate::client
