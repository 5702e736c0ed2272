#pragma once
// The proxy's token cache with single-flight: requests with the same key (credentials and grant
// parameters, see CacheKeyer) share one upstream call while it is in flight, and its token is
// reused until shortly before it expires. Errors are never cached. Bounded (LRU), sharded so that
// threads rarely meet on a lock; capacity 0 turns caching and sharing off.
#include <array>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "http/response.hpp"

namespace tokengate::proxy {

using Clock = std::chrono::steady_clock;

// A token response from the upstream, kept with its expiry.
struct CachedToken {
  boost::json::object body;        // every field the upstream returned
  Clock::time_point expires_at;    // when the upstream said the token expires
  Clock::time_point refresh_after; // from then on it is no longer served from the cache
  Clock::time_point received_at;   // when the upstream issued it to us

  // `body` with expires_in set to the remaining lifetime (RFC 6749 §5.1), as a no-store response.
  http::Response respond(Clock::time_point now) const;

  // A cache entry for a response received at `now` with `expires_in` seconds, or null if it is too
  // short-lived to be worth caching.
  static std::shared_ptr<const CachedToken> make(boost::json::object body, int64_t expires_in, Clock::time_point now);
};

class TokenCache {
 public:
  using Waiter = std::function<void(const http::Response&)>;

  // `max_age`: the longest a token is served from the cache, whatever its lifetime: the longest the
  // proxy may lag the upstream's decisions (a rotated secret, a disabled client).
  explicit TokenCache(size_t capacity, std::chrono::seconds max_age = std::chrono::seconds(300));

  struct Lookup {
    enum Kind { hit, joined, lead } kind;
    std::shared_ptr<const CachedToken> token;  // for hit
  };
  // hit: a fresh token. joined: a call with this key is in flight and `waiter` will get its answer.
  // lead: the caller must make the call and then call finish() with the key.
  Lookup lookup(const std::string& key, Clock::time_point now, Waiter waiter);

  // Ends the call for `key`: stores `token` (null for errors: nothing is stored) and returns the
  // waiters that joined it, for the caller to answer.
  std::vector<Waiter> finish(const std::string& key, std::shared_ptr<const CachedToken> token);

  // Forgets the cached token whose access_token is `access_token` (it was revoked); how many went.
  size_t evict(std::string_view access_token);

  size_t size() const;

 private:
  struct Shard {
    mutable std::mutex mutex;
    std::list<std::pair<std::string, std::shared_ptr<const CachedToken>>> lru;  // front = most recent
    std::unordered_map<std::string, decltype(lru)::iterator> index;
    std::unordered_map<std::string, std::vector<Waiter>> in_flight;
  };
  static constexpr size_t kShards = 16;
  Shard& shard(const std::string& key) { return shards_[static_cast<unsigned char>(key[0]) % kShards]; }

  size_t per_shard_capacity_;
  std::chrono::seconds max_age_;
  std::array<Shard, kShards> shards_;
};

}  // namespace tokengate::proxy
