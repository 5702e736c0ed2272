// The proxy's copy of the upstream's keys against a scripted upstream: discovery, one fetch for
// many callers, the unknown-kid refetch throttle, and a transport that throws.
#include "proxy/upstream_keys.hpp"

#include <gtest/gtest.h>

#include <thread>

#include <boost/json/serialize.hpp>

#include "fake_transport.hpp"
#include "jose/signing_key.hpp"

using namespace tokengate;
using test_support::FakeTransport;

namespace {

std::string jwks_of(const jose::SigningKey& key) {
  return boost::json::serialize(boost::json::object{{"keys", boost::json::array{key.public_jwk()}}});
}

class UpstreamKeysTest : public ::testing::Test {
 protected:
  // Asks for the keys with `kid`; the answers land in the returned vector.
  std::shared_ptr<std::vector<proxy::UpstreamKeys::Snapshot>> ask(const std::string& kid) {
    auto got = std::make_shared<std::vector<proxy::UpstreamKeys::Snapshot>>();
    keys.current(loop, kid, [got](const proxy::UpstreamKeys::Snapshot& s) { got->push_back(s); });
    return got;
  }

  // Answers the metadata and the JWKS requests of one fetch.
  void serve_fetch(const std::string& jwks) {
    ASSERT_EQ(upstream.pending(), 1u);
    EXPECT_EQ(upstream.calls[upstream.answered].request.url,
              "https://as.test/.well-known/oauth-authorization-server");
    upstream.answer(FakeTransport::response(200, R"({"issuer":"https://as.test","jwks_uri":"https://as.test/jwks"})"));
    ASSERT_EQ(upstream.pending(), 1u);
    EXPECT_EQ(upstream.calls[upstream.answered].request.url, "https://as.test/jwks");
    upstream.answer(FakeTransport::response(200, jwks));
    test_support::drain(loop);
  }

  boost::asio::io_context loop;
  FakeTransport upstream;
  proxy::KeyRefreshPolicy policy{.max_age = std::chrono::minutes(5), .unknown_kid_interval = std::chrono::milliseconds(50)};
  proxy::UpstreamDiscovery discovery{upstream, {.jwks_url = "", .metadata_base = "https://as.test/", .issuer = ""}};
  proxy::UpstreamKeys keys{discovery, policy, ""};
  jose::SigningKey first = jose::SigningKey::generate(jose::Algorithm::ES256);
  jose::SigningKey second = jose::SigningKey::generate(jose::Algorithm::ES256);
};

TEST_F(UpstreamKeysTest, ManyCallersShareOneDiscoveryAndFetch) {
  auto a = ask("");
  auto b = ask(first.kid());
  auto c = ask("whatever");
  serve_fetch(jwks_of(first));
  EXPECT_EQ(upstream.calls.size(), 2u);  // the metadata and the JWKS, once
  for (const auto& got : {a, b, c}) {
    ASSERT_EQ(got->size(), 1u);
    ASSERT_TRUE(got->at(0).keys);
    EXPECT_TRUE(got->at(0).keys->find(first.kid()));
    EXPECT_EQ(got->at(0).issuer, "https://as.test");  // learnt from the metadata
  }
  auto again = ask(first.kid());  // known and fresh: answered at once, no call
  EXPECT_EQ(again->size(), 1u);
  EXPECT_EQ(upstream.calls.size(), 2u);
}

TEST_F(UpstreamKeysTest, AnUnknownKidRefetchesAtMostOncePerInterval) {
  ask("");
  serve_fetch(jwks_of(first));
  auto soon = ask(second.kid());  // unknown, right after a fetch: the answer stays what it was
  ASSERT_EQ(soon->size(), 1u);
  EXPECT_FALSE(soon->at(0).keys->find(second.kid()));
  EXPECT_EQ(upstream.pending(), 0u);

  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  auto later = ask(second.kid());  // the upstream may have rotated: one fetch
  auto flood = ask("forged-kid");  // joins it rather than starting another
  EXPECT_EQ(later->size(), 0u);
  serve_fetch(jwks_of(second));
  EXPECT_EQ(upstream.calls.size(), 4u);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_TRUE(later->at(0).keys->find(second.kid()));
  EXPECT_EQ(flood->size(), 1u);
  auto forged = ask("forged-kid");  // still unknown, too soon: no call
  EXPECT_EQ(forged->size(), 1u);
  EXPECT_EQ(upstream.pending(), 0u);
}

TEST_F(UpstreamKeysTest, FallsBackToOpenIdDiscovery) {
  auto got = ask("");
  upstream.answer(FakeTransport::response(404, "{}"));
  ASSERT_EQ(upstream.pending(), 1u);
  EXPECT_EQ(upstream.calls.back().request.url, "https://as.test/.well-known/openid-configuration");
  upstream.answer(FakeTransport::response(200, R"({"issuer":"https://as.test","jwks_uri":"https://as.test/certs"})"));
  upstream.answer(FakeTransport::response(200, jwks_of(first)));
  test_support::drain(loop);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_TRUE(got->at(0).keys);
}

TEST_F(UpstreamKeysTest, FailuresAreReportedAndTheNextCallTriesAgain) {
  auto got = ask("");
  upstream.answer(FakeTransport::response(200, R"({"issuer":"https://as.test","jwks_uri":"/relative"})"));
  test_support::drain(loop);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_FALSE(got->at(0).keys);
  EXPECT_NE(got->at(0).error.find("jwks_uri"), std::string::npos) << got->at(0).error;

  upstream.throw_on_send = true;  // a transport that throws mid-fetch
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  auto thrown = ask("");
  test_support::drain(loop);
  ASSERT_EQ(thrown->size(), 1u);  // answered, not left waiting
  EXPECT_FALSE(thrown->at(0).keys);

  upstream.throw_on_send = false;
  std::this_thread::sleep_for(std::chrono::milliseconds(60));  // failures are throttled like unknown kids
  auto recovered = ask("");  // a fetch again, not stuck "in flight"
  serve_fetch(jwks_of(first));
  ASSERT_EQ(recovered->size(), 1u);
  EXPECT_TRUE(recovered->at(0).keys);
}

}  // namespace
