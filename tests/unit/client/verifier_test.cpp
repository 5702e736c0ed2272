// libtokengate's Verifier against tokens made by a JOSE implementation that is not ours (the `jose`
// npm package; tests/unit/client/make_fixtures.mjs, run by the build): every way a token can be
// wrong gets its own error, and no trick (alg none, HMAC keyed with a public key, a kid that is a
// path or huge, a jku header) gets through.
#include "tokengate/verifier.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace {

using tokengate::Verifier;
using tokengate::VerifierOptions;
using E = tokengate::VerifyResult::Error;

struct Fixtures {
  std::string issuer, audience, jwks;
  int64_t generated_at;
  boost::json::object tokens;
};

const Fixtures& fixtures() {
  static const Fixtures f = [] {
    std::ifstream in(TOKENGATE_CLIENT_FIXTURES);
    std::stringstream text;
    text << in.rdbuf();
    auto v = boost::json::parse(text.str()).as_object();
    return Fixtures{std::string(v.at("issuer").as_string()), std::string(v.at("audience").as_string()),
                    boost::json::serialize(v.at("jwks")), v.at("generated_at").as_int64(), v.at("tokens").as_object()};
  }();
  return f;
}

std::string token(const char* name) { return std::string(fixtures().tokens.at(name).as_string()); }

VerifierOptions options() {
  VerifierOptions o;
  o.issuer = fixtures().issuer;
  o.audience = fixtures().audience;
  o.jwks_json = fixtures().jwks;
  return o;
}

TEST(ClientVerifier, AcceptsEveryKeyTypeTokengateSignsWith) {
  Verifier v(options());
  for (const char* name : {"es256", "eddsa", "rs256", "application_typ", "audience_list", "jku_header"}) {
    auto r = v.verify(token(name));
    EXPECT_TRUE(r.ok()) << name << ": " << r.message();
    EXPECT_EQ(r.claims().subject(), "client-1") << name;
  }
}

TEST(ClientVerifier, SaysPreciselyWhatIsWrong) {
  Verifier v(options());
  const std::pair<const char*, E> cases[] = {
      {"expired", E::expired},
      {"not_yet_valid", E::not_yet_valid},
      {"wrong_issuer", E::wrong_issuer},
      {"wrong_audience", E::wrong_audience},
      {"wrong_type", E::wrong_type},
      {"no_exp", E::malformed},
      {"tampered", E::bad_signature},
      {"signed_by_stranger", E::bad_signature},
      {"unknown_kid", E::unknown_key},
      {"kid_path", E::unknown_key},
      {"kid_huge", E::unknown_key},
      {"alg_mismatch", E::bad_signature},
      {"crit_header", E::malformed},
      {"not_a_jwt", E::malformed},
      {"garbage_parts", E::malformed},
  };
  for (const auto& [name, error] : cases) {
    auto r = v.verify(token(name));
    EXPECT_FALSE(r.ok()) << name;
    EXPECT_EQ(static_cast<int>(r.error()), static_cast<int>(error)) << name << ": " << r.message();
    EXPECT_FALSE(r.message().empty());
    EXPECT_EQ(r.message().find(token(name).substr(0, 20)), std::string::npos) << "the message echoes the token";
  }
}

TEST(ClientVerifier, ABoundTokenOfAnyKindIsNoBearerToken) {
  Verifier v(options());
  for (const char* name : {"cnf_jkt", "cnf_x5t", "cnf_jwk", "cnf_empty_jkt", "cnf_not_object"}) {
    auto r = v.verify(token(name));
    EXPECT_EQ(static_cast<int>(r.error()), static_cast<int>(E::wrong_holder)) << name << ": " << r.message();
    // Nor with a presentation that carries nothing: a kind it does not check, or nothing presented.
    auto presented = v.verify(token(name), tokengate::Presentation{.method = "GET", .url = "https://api.test/x"});
    EXPECT_FALSE(presented.ok()) << name;
  }
  EXPECT_TRUE(v.verify(token("es256"), tokengate::Presentation{.method = "GET", .url = "https://api.test/x"}).ok())
      << "an unbound token with nothing presented";
}

TEST(ClientVerifier, TheLeewayAppliesToExp) {
  // within_leeway expired 10 s before the fixtures were made (at the build): the leeway is set
  // from that moment, so the test means the same whenever it runs.
  int64_t since = static_cast<int64_t>(std::time(nullptr)) - fixtures().generated_at;
  VerifierOptions o = options();
  o.leeway = std::chrono::seconds(since + 30);
  EXPECT_TRUE(Verifier(o).verify(token("within_leeway")).ok());
  o.leeway = std::chrono::seconds(since + 5);
  EXPECT_EQ(Verifier(o).verify(token("within_leeway")).error(), E::expired);
}

TEST(ClientVerifier, NoneAndHmacAreNeverAccepted) {
  Verifier v(options());
  for (const char* name : {"alg_none", "alg_none_with_kid", "hs256_public_key"}) {
    auto r = v.verify(token(name));
    EXPECT_EQ(r.error(), E::unsupported_algorithm) << name << ": " << r.message();
  }
}

TEST(ClientVerifier, OnlyTheAlgorithmsAskedFor) {
  VerifierOptions o = options();
  o.algorithms = {"ES256"};
  Verifier v(o);
  EXPECT_TRUE(v.verify(token("es256")).ok());
  EXPECT_EQ(v.verify(token("eddsa")).error(), E::unsupported_algorithm);
  EXPECT_EQ(v.verify(token("rs256")).error(), E::unsupported_algorithm);
  o.algorithms = {"HS256"};
  EXPECT_THROW(Verifier{o}, tokengate::Error);
}

TEST(ClientVerifier, ARepeatedTokenIsStillCheckedForWhatEachVerifierRequires) {
  Verifier ours(options());
  ASSERT_TRUE(ours.verify(token("es256")).ok());  // now in this thread's cache of verified tokens
  VerifierOptions other = options();
  other.audience = "https://another-api.test";
  EXPECT_EQ(Verifier(other).verify(token("es256")).error(), E::wrong_audience);
  other = options();
  other.type = "statuslist+jwt";
  EXPECT_EQ(Verifier(other).verify(token("es256")).error(), E::wrong_type);
  other = options();
  other.jwks_json = R"({"keys":[]})";
  EXPECT_EQ(Verifier(other).verify(token("es256")).error(), E::unknown_key) << "the cache counts only keys still trusted";
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(ours.verify(token("es256")).ok());
}

TEST(ClientVerifier, FixedKeysNeverNeedAFetch) {
  Verifier v(options());
  auto now = v.try_verify(token("rs256"));
  ASSERT_TRUE(now.has_value());
  EXPECT_TRUE(now->ok());
  EXPECT_TRUE(v.try_verify(token("unknown_kid")).has_value());
  EXPECT_EQ(v.key_fetches(), 0u);
  auto keys = v.try_keys();
  ASSERT_TRUE(keys);
  EXPECT_TRUE(keys->available);
}

TEST(ClientVerifier, ClaimsAreReadable) {
  Verifier v(options());
  auto r = v.verify(token("es256"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.claims().client_id(), "client-1");
  EXPECT_EQ(r.claims().scopes(), (std::vector<std::string>{"read", "write"}));
  EXPECT_TRUE(r.claims().has_scope("write"));
  EXPECT_FALSE(r.claims().has_scope("admin"));
  EXPECT_GT(r.claims().integer("exp").value_or(0), 0);
  EXPECT_FALSE(r.claims().integer("sub"));
  EXPECT_NE(r.claims().json().find("\"jti\":\"j1\""), std::string::npos);
}

TEST(ClientVerifier, AsyncVerifyAnswersOnItsOwnThread) {
  Verifier v(options());
  std::promise<tokengate::VerifyResult> answered;
  v.async_verify(token("eddsa"), [&](tokengate::VerifyResult r) { answered.set_value(std::move(r)); });
  auto r = answered.get_future().get();
  EXPECT_TRUE(r.ok()) << r.message();
}

// Threads of this process, as the kernel counts them.
size_t thread_count() {
  return static_cast<size_t>(std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                                           std::filesystem::directory_iterator()));
}

TEST(ClientVerifier, AVerifierDroppedByItsOwnCallbackEndsCleanly) {
  // The callback releases the last owner: the verifier's thread cannot wait for itself, so it
  // finishes on its own once the callback returns (and must not take the process down).
  size_t before = thread_count();
  auto v = std::make_shared<Verifier>(options());
  std::promise<bool> answered;
  Verifier* raw = v.get();
  raw->async_verify(token("es256"), [&, owner = std::move(v)](tokengate::VerifyResult r) mutable {
    owner.reset();
    answered.set_value(r.ok());
  });
  EXPECT_TRUE(answered.get_future().get());
  for (int i = 0; i < 500 && thread_count() > before; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(thread_count(), before) << "the verifier's thread did not end";
}

TEST(ClientVerifier, FractionalDatesAreNumericDates) {
  // RFC 7519 §2: a NumericDate may have a fraction; remembering such a token must not trip on it.
  Verifier v(options());
  for (int i = 0; i < 3; ++i) {
    auto r = v.verify(token("fractional_dates"));
    EXPECT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(v.verify(token("expired_fraction")).error(), E::expired);
  }
}

TEST(ClientVerifier, OptionsThatCannotWorkAreRefused) {
  EXPECT_THROW(Verifier(VerifierOptions{}), tokengate::Error);  // neither issuer nor keys
  VerifierOptions o = options();
  o.jwks_json = "[not json";
  EXPECT_THROW(Verifier{o}, tokengate::Error);
  o = options();
  o.min_keys_age = std::chrono::seconds(600);  // longer than max_keys_age (300 s)
  EXPECT_THROW(Verifier{o}, tokengate::Error);
}

}  // namespace
