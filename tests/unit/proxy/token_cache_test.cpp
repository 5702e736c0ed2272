#include "proxy/token_cache.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "proxy/cache_key.hpp"

using namespace tokengate::proxy;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<const CachedToken> token(int64_t expires_in, Clock::time_point now) {
  return CachedToken::make({{"access_token", "t"}, {"token_type", "Bearer"}, {"expires_in", expires_in}, {"x", 1}},
                           expires_in, now);
}

TEST(TokenCache, SingleFlightThenHitsUntilShortlyBeforeExpiry) {
  TokenCache cache(100);
  auto t = Clock::now();
  int answered = 0;
  auto waiter = [&](const tokengate::http::Response&) { ++answered; };
  EXPECT_EQ(cache.lookup("k", t, waiter).kind, TokenCache::Lookup::lead);
  EXPECT_EQ(cache.lookup("k", t, waiter).kind, TokenCache::Lookup::joined);
  EXPECT_EQ(cache.lookup("k", t, waiter).kind, TokenCache::Lookup::joined);
  auto waiters = cache.finish("k", token(3600, t));
  EXPECT_EQ(waiters.size(), 2u);

  auto hit = cache.lookup("k", t + 100s, waiter);
  ASSERT_EQ(hit.kind, TokenCache::Lookup::hit);
  auto body = boost::json::parse(hit.token->respond(t + 100s).body).as_object();
  EXPECT_EQ(body.at("expires_in").as_int64(), 3500);  // the remaining lifetime
  EXPECT_EQ(body.at("x").as_int64(), 1);             // other fields intact
  // A minute before expiry it is fetched anew.
  EXPECT_EQ(cache.lookup("k", t + 3541s, waiter).kind, TokenCache::Lookup::lead);
}

TEST(TokenCache, NoTokenIsServedLongerThanTheMaxAge) {
  TokenCache cache(100, 300s);
  auto t = Clock::now();
  auto waiter = [](const tokengate::http::Response&) {};
  cache.lookup("k", t, waiter);
  cache.finish("k", token(3600, t));
  EXPECT_EQ(cache.lookup("k", t + 299s, waiter).kind, TokenCache::Lookup::hit);
  // The upstream may have changed its mind (a rotated secret, a disabled client): ask it again.
  EXPECT_EQ(cache.lookup("k", t + 301s, waiter).kind, TokenCache::Lookup::lead);
}

TEST(TokenCache, ErrorsAreNotCached) {
  TokenCache cache(100);
  auto t = Clock::now();
  auto none = [](const tokengate::http::Response&) {};
  EXPECT_EQ(cache.lookup("k", t, none).kind, TokenCache::Lookup::lead);
  cache.finish("k", nullptr);
  EXPECT_EQ(cache.lookup("k", t, none).kind, TokenCache::Lookup::lead);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TokenCache, BoundedAndCanBeOff) {
  TokenCache cache(16);  // one entry per shard
  auto t = Clock::now();
  auto none = [](const tokengate::http::Response&) {};
  CacheKeyer keyer;
  for (int i = 0; i < 200; ++i) {
    auto k = keyer.key("id", "secret", std::to_string(i), "", "");
    cache.lookup(k, t, none);
    cache.finish(k, token(3600, t));
  }
  EXPECT_LE(cache.size(), 16u);

  TokenCache off(0);
  EXPECT_EQ(off.lookup("k", t, none).kind, TokenCache::Lookup::lead);
  EXPECT_EQ(off.lookup("k", t, none).kind, TokenCache::Lookup::lead);  // no sharing either
}

TEST(TokenCache, ShortLivedTokensAreNotCached) { EXPECT_EQ(token(2, Clock::now()), nullptr); }

TEST(CacheKeyer, DependsOnEverySecretAndParameter) {
  CacheKeyer keyer;
  auto base = keyer.key("id", "secret", "a b", "", "");
  EXPECT_EQ(base.size(), 32u);
  EXPECT_EQ(base, keyer.key("id", "secret", "a b", "", ""));
  EXPECT_NE(base, keyer.key("id", "secreT", "a b", "", ""));
  EXPECT_NE(base, keyer.key("id", "secret", "a", "", ""));
  EXPECT_NE(base, keyer.key("ids", "ecret", "a b", "", ""));  // no ambiguity by concatenation
  EXPECT_NE(base, keyer.key("id", "secret", "a b", "r", ""));
  EXPECT_NE(base, CacheKeyer().key("id", "secret", "a b", "", ""));  // a per-process key
  EXPECT_EQ(base.find("secret"), std::string::npos);
}

}  // namespace
