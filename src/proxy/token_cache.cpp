#include "proxy/token_cache.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>

namespace tokengate::proxy {

http::Response CachedToken::respond(Clock::time_point now) const {
  boost::json::object out = body;
  auto remaining = std::chrono::duration_cast<std::chrono::seconds>(expires_at - now).count();
  out["expires_in"] = std::max<int64_t>(remaining, 0);
  http::Response r;
  r.body = boost::json::serialize(out);
  r.no_store = true;
  return r;
}

std::shared_ptr<const CachedToken> CachedToken::make(boost::json::object body, int64_t expires_in,
                                                     Clock::time_point now) {
  // Stop serving a token a tenth of its lifetime (at most a minute) before it expires, so that
  // the caller gets time to use it.
  expires_in = std::min<int64_t>(expires_in, 24 * 3600);  // kept a day at most, whatever it says
  int64_t margin = std::clamp<int64_t>(expires_in / 10, 1, 60);
  if (expires_in <= 2 * margin) return nullptr;
  auto token = std::make_shared<CachedToken>();
  token->body = std::move(body);
  token->expires_at = now + std::chrono::seconds(expires_in);
  token->refresh_after = token->expires_at - std::chrono::seconds(margin);
  token->received_at = now;
  return token;
}

TokenCache::TokenCache(size_t capacity, std::chrono::seconds max_age)
    : per_shard_capacity_(capacity == 0 ? 0 : std::max<size_t>(1, capacity / kShards)), max_age_(max_age) {}

TokenCache::Lookup TokenCache::lookup(const std::string& key, Clock::time_point now, Waiter waiter) {
  if (per_shard_capacity_ == 0) return {Lookup::lead, nullptr};
  Shard& s = shard(key);
  std::lock_guard lock(s.mutex);
  if (auto it = s.index.find(key); it != s.index.end()) {
    const CachedToken& cached = *it->second->second;
    if (now < cached.refresh_after && now - cached.received_at < max_age_) {
      s.lru.splice(s.lru.begin(), s.lru, it->second);
      return {Lookup::hit, it->second->second};
    }
    s.lru.erase(it->second);  // stale: fetch anew
    s.index.erase(it);
  }
  if (auto it = s.in_flight.find(key); it != s.in_flight.end()) {
    it->second.push_back(std::move(waiter));
    return {Lookup::joined, nullptr};
  }
  s.in_flight.emplace(key, std::vector<Waiter>{});
  return {Lookup::lead, nullptr};
}

std::vector<TokenCache::Waiter> TokenCache::finish(const std::string& key, std::shared_ptr<const CachedToken> token) {
  if (per_shard_capacity_ == 0) return {};
  Shard& s = shard(key);
  std::lock_guard lock(s.mutex);
  std::vector<Waiter> waiters;
  if (auto it = s.in_flight.find(key); it != s.in_flight.end()) {
    waiters = std::move(it->second);
    s.in_flight.erase(it);
  }
  if (token) {
    if (auto it = s.index.find(key); it != s.index.end()) {
      s.lru.erase(it->second);
      s.index.erase(it);
    }
    s.lru.emplace_front(key, std::move(token));
    s.index[key] = s.lru.begin();
    if (s.lru.size() > per_shard_capacity_) {
      s.index.erase(s.lru.back().first);
      s.lru.pop_back();
    }
  }
  return waiters;
}

size_t TokenCache::evict(std::string_view access_token) {
  size_t evicted = 0;
  for (auto& s : shards_) {  // a scan: revocations are rare, and this keeps the hit path free of a second index
    std::lock_guard lock(s.mutex);
    for (auto it = s.lru.begin(); it != s.lru.end();) {
      auto token = it->second->body.find("access_token");
      if (token != it->second->body.end() && token->value().is_string() && token->value().as_string() == access_token) {
        s.index.erase(it->first);
        it = s.lru.erase(it);
        ++evicted;
      } else {
        ++it;
      }
    }
  }
  return evicted;
}

size_t TokenCache::size() const {
  size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.lru.size();
  }
  return n;
}

}  // namespace tokengate::proxy
