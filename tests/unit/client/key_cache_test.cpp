// libtokengate's key cache without a server: an issuer played by a fetch function, so that
// discovery, key rotation, an unknown kid, an outage and Cache-Control are each seen happening.
#include "client/key_cache.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "jose/signing_key.hpp"
#include "tokengate/error.hpp"

using namespace tokengate;
using jose::Algorithm;

namespace {

std::string jwks_of(const std::vector<const jose::SigningKey*>& keys) {
  boost::json::array list;
  for (const auto* k : keys) list.push_back(k->public_jwk());
  return boost::json::serialize(boost::json::object{{"keys", list}});
}

// An issuer at https://issuer.test: RFC 8414 metadata and a JWKS, as a fetch function.
struct FakeIssuer {
  std::string metadata_issuer = "https://issuer.test";
  std::string jwks;
  std::string cache_control = "max-age=300";
  bool down = false;
  std::vector<std::string> asked;  // the URLs fetched, in order

  client::FetchFunction fetch() {
    return [this](const client::FetchRequest& req) {
      asked.push_back(req.url);
      if (down) throw Error(Error::Code::unreachable, "connect to issuer.test: connection refused");
      client::FetchResponse res;
      res.status = 200;
      if (req.url == "https://issuer.test/.well-known/oauth-authorization-server") {
        res.body = boost::json::serialize(
            boost::json::object{{"issuer", metadata_issuer}, {"jwks_uri", "https://issuer.test/jwks"}});
      } else if (req.url == "https://issuer.test/jwks") {
        res.body = jwks;
        res.cache_control = cache_control;
      } else {
        res.status = 404;
      }
      return res;
    };
  }
};

client::KeyCache::Settings settings() {
  client::KeyCache::Settings s;
  s.issuer = "https://issuer.test";
  s.algorithms = {Algorithm::ES256, Algorithm::EdDSA};
  return s;
}

const jose::SigningKey& first_key() {
  static const auto k = jose::SigningKey::generate(Algorithm::ES256);
  return k;
}
const jose::SigningKey& second_key() {
  static const auto k = jose::SigningKey::generate(Algorithm::EdDSA);
  return k;
}

}  // namespace

TEST(KeyCache, DiscoversTheKeysOnceAndAnswersFromMemoryAfter) {
  FakeIssuer issuer;
  issuer.jwks = jwks_of({&first_key()});
  client::KeyCache cache(settings(), issuer.fetch());
  EXPECT_EQ(cache.usable(first_key().kid()), nullptr) << "nothing fetched yet: the caller must fetch";
  auto keys = cache.fetch_now();
  ASSERT_TRUE(keys->set);
  EXPECT_NE(keys->set->find(first_key().kid()), nullptr);
  EXPECT_EQ(keys->issuer, "https://issuer.test");
  EXPECT_EQ(issuer.asked, (std::vector<std::string>{"https://issuer.test/.well-known/oauth-authorization-server",
                                                    "https://issuer.test/jwks"}));
  for (int i = 0; i < 100; ++i) ASSERT_NE(cache.usable(first_key().kid()), nullptr);
  EXPECT_EQ(cache.fetches(), 1u);
  EXPECT_EQ(issuer.asked.size(), 2u);
}

TEST(KeyCache, AnUnknownKidCausesOneFetchPerIntervalAndFindsARotatedKey) {
  FakeIssuer issuer;
  issuer.jwks = jwks_of({&first_key()});
  auto s = settings();
  s.unknown_kid_interval = std::chrono::seconds(3600);
  client::KeyCache slow(s, issuer.fetch());
  slow.fetch_now();
  issuer.jwks = jwks_of({&first_key(), &second_key()});  // the issuer rotates
  // Within the interval, an unknown kid is answered with the keys we have: a flood of forged kids
  // is not a flood of fetches.
  for (int i = 0; i < 50; ++i) ASSERT_NE(slow.usable(second_key().kid()), nullptr);
  EXPECT_EQ(slow.fetches(), 1u);
  EXPECT_EQ(slow.usable(second_key().kid())->set->find(second_key().kid()), nullptr);

  s.unknown_kid_interval = std::chrono::seconds(0);
  issuer.jwks = jwks_of({&first_key()});
  client::KeyCache quick(s, issuer.fetch());
  quick.fetch_now();
  issuer.jwks = jwks_of({&first_key(), &second_key()});
  EXPECT_EQ(quick.usable(second_key().kid()), nullptr) << "an unknown kid after the interval: fetch again";
  auto keys = quick.fetch_now();
  EXPECT_NE(keys->set->find(second_key().kid()), nullptr);
  EXPECT_NE(quick.usable(second_key().kid()), nullptr);
  EXPECT_EQ(quick.fetches(), 2u);
}

TEST(KeyCache, AnOutageKeepsTheKeysItHadAndSaysWhy) {
  FakeIssuer issuer;
  issuer.jwks = jwks_of({&first_key()});
  auto s = settings();
  s.min_age = s.max_age = std::chrono::seconds(0);  // stale at once: every use wants a fetch
  client::KeyCache cache(s, issuer.fetch());
  cache.fetch_now();
  issuer.down = true;
  auto keys = cache.fetch_now();
  ASSERT_TRUE(keys->set) << "a failed fetch must not drop the keys";
  EXPECT_NE(keys->set->find(first_key().kid()), nullptr);
  EXPECT_NE(cache.last_error().find("connection refused"), std::string::npos) << cache.last_error();
  EXPECT_TRUE(cache.published().available) << "still the keys it had";

  FakeIssuer never;
  never.down = true;
  client::KeyCache empty(settings(), never.fetch());
  EXPECT_FALSE(empty.fetch_now()->set);
  EXPECT_FALSE(empty.published().available);
  EXPECT_NE(empty.published().error.find("connection refused"), std::string::npos);
}

TEST(KeyCache, CacheControlSetsHowLongKeysAreKeptWithinTheBounds) {
  FakeIssuer issuer;
  issuer.jwks = jwks_of({&first_key()});
  issuer.cache_control = "no-store";
  auto s = settings();
  s.min_age = std::chrono::seconds(0);
  client::KeyCache cache(s, issuer.fetch());
  cache.fetch_now();
  EXPECT_EQ(cache.usable(first_key().kid()), nullptr) << "no-store and a minimum of 0: fetched again";

  s.min_age = std::chrono::seconds(60);
  client::KeyCache kept(s, issuer.fetch());
  kept.fetch_now();
  EXPECT_NE(kept.usable(first_key().kid()), nullptr) << "no-store, but kept for the minimum age";
}

TEST(KeyCache, MetadataOfAnotherIssuerGivesNoKeys) {
  FakeIssuer issuer;
  issuer.jwks = jwks_of({&first_key()});
  issuer.metadata_issuer = "https://evil.test";
  client::KeyCache cache(settings(), issuer.fetch());
  EXPECT_FALSE(cache.fetch_now()->set);
  EXPECT_NE(cache.last_error().find("evil.test"), std::string::npos) << cache.last_error();
  EXPECT_EQ(issuer.asked.size(), 1u) << "the JWKS of an issuer that is not ours is never fetched";
}

TEST(KeyCache, KeysOfAlgorithmsNotAskedForAreDropped) {
  FakeIssuer issuer;
  issuer.jwks = jwks_of({&first_key(), &second_key()});
  auto s = settings();
  s.algorithms = {Algorithm::ES256};
  client::KeyCache cache(s, issuer.fetch());
  auto keys = cache.fetch_now();
  EXPECT_NE(keys->set->find(first_key().kid()), nullptr);
  EXPECT_EQ(keys->set->find(second_key().kid()), nullptr);
}

TEST(KeyCache, FixedKeysAreNeverFetched) {
  FakeIssuer issuer;
  auto s = settings();
  s.jwks_json = jwks_of({&first_key()});
  client::KeyCache cache(s, issuer.fetch());
  EXPECT_NE(cache.usable(first_key().kid()), nullptr);
  EXPECT_NE(cache.usable("unknown"), nullptr) << "nothing to fetch: the answer is the fixed keys";
  EXPECT_TRUE(issuer.asked.empty());
  s.jwks_json = "[not json";
  EXPECT_THROW(client::KeyCache(s, issuer.fetch()), Error);
}
