#pragma once
// libtokengate's copy of an issuer's signing keys: found (RFC 8414 / OpenID discovery, or a JWKS
// URL) or given, fetched through an injectable function, kept per their Cache-Control between a
// minimum and a maximum age, and fetched again on an unknown kid at most once per interval
// (client/key_refresh_policy.hpp). A failed fetch keeps the keys it had: a brief outage refuses
// no valid token. Thread-safe; `usable` (the verification path) takes no mutex: an atomic
// shared_ptr load (libstdc++ guards it with a spin bit and counts a reference).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/http_fetch.hpp"
#include "client/key_refresh_policy.hpp"
#include "jose/algorithm.hpp"
#include "jose/public_key_set.hpp"
#include "tokengate/verifier.hpp"

namespace tokengate::client {

class KeyCache {
 public:
  struct Settings {
    std::string issuer;     // whose keys (discovered unless jwks_url or jwks_json is given)
    std::string jwks_url;
    std::string jwks_json;  // fixed keys: never fetched
    std::vector<jose::Algorithm> algorithms;  // keys of other algorithms are dropped
    std::chrono::seconds min_age{60};
    std::chrono::seconds max_age{300};
    std::chrono::seconds unknown_kid_interval{5};
    FetchRequest transport;  // timeout and CA file of every request
  };

  // What a verification needs: the keys, and the `iss` their tokens must carry.
  struct Keys {
    std::shared_ptr<const jose::PublicKeySet> set;  // null: none could be fetched yet
    std::string issuer;
  };

  // Throws tokengate::Error(configuration) for jwks_json that is not a JWKS.
  KeyCache(Settings settings, FetchFunction fetch);
  ~KeyCache();

  // The keys, if they may be used as they are for a token naming `kid` (empty: any); no I/O.
  // (Shared, not copied: the verification path allocates nothing here.)
  std::shared_ptr<const Keys> usable(std::string_view kid) const;
  // Fetches now, or waits for the fetch another caller has under way; then the keys.
  std::shared_ptr<const Keys> fetch_now();

  // The keys as published (metadata, JWKS text, the last error), fetched first if stale or not.
  std::optional<PublishedKeys> try_published() const;
  PublishedKeys published();

  std::string last_error() const { return current()->published.error; }  // why the last fetch failed
  uint64_t fetches() const;

 private:
  struct Current {
    Keys keys;
    PublishedKeys published;
    std::chrono::steady_clock::time_point fresh_until;  // usable without asking the policy until then
  };
  std::shared_ptr<const Current> current() const { return current_.load(std::memory_order_acquire); }

  Settings settings_;
  FetchFunction fetch_;
  KeyRefreshPolicy policy_;
  std::atomic<std::shared_ptr<const Current>> current_;

  mutable std::mutex mutex_;  // the fetch state below
  std::condition_variable fetched_;
  KeyRefreshPolicy::Cache cache_;
  std::chrono::seconds age_;  // how long the keys last fetched may be kept
  uint64_t fetches_ = 0;
};

}  // namespace tokengate::client
