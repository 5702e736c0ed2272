#include "jose/jwt_verifier.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <memory>

#include "common/base64url.hpp"
#include "jose/jws_signer.hpp"
#include "jose/signing_key.hpp"

using namespace tokengate::jose;
namespace common = tokengate::common;

namespace {

struct JwtVerifier : ::testing::Test {
  std::shared_ptr<const SigningKey> key = std::make_shared<const SigningKey>(SigningKey::generate(Algorithm::ES256));
  PublicKeySet keys = PublicKeySet::from_jwks({{"keys", boost::json::array{key->public_jwk()}}});
  JwtExpectations expect{"https://iss", "api"};
  int64_t now = 1'000'000;

  std::string token(boost::json::object claims, boost::json::object header = {}) {
    boost::json::object h{{"alg", "ES256"}, {"typ", "at+jwt"}, {"kid", key->kid()}};
    for (auto& [k, v] : header) h[k] = v;
    boost::json::object c{{"iss", "https://iss"}, {"aud", "api"}, {"exp", now + 60}};
    for (auto& [k, v] : claims) c[k] = v;
    std::string t = common::base64url_encode(boost::json::serialize(h)) + "." + common::base64url_encode(boost::json::serialize(c));
    std::string input = t;
    t += '.';
    JwsSigner(key).sign_append(input, t);
    return t;
  }
  JwtFailure::Reason failure(const std::string& t) {
    auto r = verify_access_token(t, keys, expect, now);
    EXPECT_TRUE(std::holds_alternative<JwtFailure>(r));
    return std::holds_alternative<JwtFailure>(r) ? std::get<JwtFailure>(r).reason : JwtFailure::malformed;
  }
};

TEST_F(JwtVerifier, AcceptsAValidTokenAndAnAudienceArray) {
  EXPECT_TRUE(std::holds_alternative<boost::json::object>(verify_access_token(token({}), keys, expect, now)));
  auto multi = token({{"aud", boost::json::array{"other", "api"}}});
  EXPECT_TRUE(std::holds_alternative<boost::json::object>(verify_access_token(multi, keys, expect, now)));
}

TEST_F(JwtVerifier, RefusesEachKindOfBadToken) {
  EXPECT_EQ(failure(token({{"exp", now - 31}})), JwtFailure::expired);
  EXPECT_EQ(failure(token({{"nbf", now + 31}})), JwtFailure::not_yet_valid);
  EXPECT_EQ(failure(token({{"iss", "https://other"}})), JwtFailure::wrong_issuer);
  EXPECT_EQ(failure(token({{"aud", "web"}})), JwtFailure::wrong_audience);
  EXPECT_EQ(failure(token({}, {{"typ", "JWT"}})), JwtFailure::wrong_type);
  EXPECT_EQ(failure(token({}, {{"kid", "nope"}})), JwtFailure::unknown_key);
  EXPECT_EQ(failure(token({}, {{"alg", "RS256"}})), JwtFailure::bad_signature);  // alg confusion
  EXPECT_EQ(failure(token({}, {{"alg", "none"}})), JwtFailure::malformed);
  EXPECT_EQ(failure(token({{"exp", "tomorrow"}})), JwtFailure::malformed);
  auto t = token({});
  t[t.size() - 5] = t[t.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(failure(t), JwtFailure::bad_signature);
  EXPECT_EQ(failure("a.b"), JwtFailure::malformed);
}

TEST_F(JwtVerifier, LeewayAllowsSmallClockSkew) {
  EXPECT_TRUE(std::holds_alternative<boost::json::object>(verify_access_token(token({{"exp", now - 10}}), keys, expect, now)));
}

}  // namespace

namespace {

TEST_F(JwtVerifier, RefusesCritAndAbsurdDatesAcceptsTypInAnyCase) {
  EXPECT_EQ(failure(token({}, {{"crit", boost::json::array{"x"}}, {"x", 1}})), JwtFailure::malformed);
  EXPECT_EQ(failure(token({{"exp", 1e300}})), JwtFailure::malformed);
  EXPECT_EQ(failure(token({{"exp", boost::json::value(18446744073709551615ull)}})), JwtFailure::malformed);
  EXPECT_TRUE(std::holds_alternative<boost::json::object>(
      verify_access_token(token({}, {{"typ", "AT+JWT"}}), keys, expect, now)));
}

TEST(PublicKeySet, RefusesWeakRsaKeys) {
  // A 1024-bit modulus padded with zero bytes to 256 bytes must not pass as a 2048-bit key.
  std::string n(128, '\0');
  n += std::string(128, '\xff');
  boost::json::object jwk{{"kty", "RSA"}, {"n", common::base64url_encode(n)}, {"e", "AQAB"}, {"kid", "weak"}};
  EXPECT_EQ(PublicKeySet::from_jwks({{"keys", boost::json::array{jwk}}}).size(), 0u);
}

}  // namespace

// The one memory of verified tokens (jose/verified_token_cache.hpp): a hit is only as good as the
// key it was verified with, and it is still checked for what each caller expects.
TEST_F(JwtVerifier, ARememberedTokenCountsOnlyWithItsOwnKey) {
  auto t = token({});
  auto first = verify_remembered(t, keys, expect, now);
  ASSERT_TRUE(std::holds_alternative<VerifiedTokenPtr>(first));
  auto again = verify_remembered(t, keys, expect, now);
  ASSERT_TRUE(std::holds_alternative<VerifiedTokenPtr>(again));
  EXPECT_EQ(std::get<VerifiedTokenPtr>(first), std::get<VerifiedTokenPtr>(again)) << "the second answer is remembered";
  EXPECT_EQ(recall_verified(t), std::get<VerifiedTokenPtr>(first));

  // Another key under the same kid (a set rebuilt by someone else, a kid reused): verified afresh.
  auto impostor = SigningKey::generate(Algorithm::ES256);
  auto jwk = impostor.public_jwk();
  jwk["kid"] = key->kid();
  auto other = PublicKeySet::from_jwks({{"keys", boost::json::array{jwk}}});
  auto r = verify_remembered(t, other, expect, now);
  ASSERT_TRUE(std::holds_alternative<JwtFailure>(r));
  EXPECT_EQ(std::get<JwtFailure>(r).reason, JwtFailure::bad_signature);

  // What a caller expects is checked on every use.
  JwtExpectations elsewhere{"https://iss", "web"};
  auto refused = verify_remembered(t, keys, elsewhere, now);
  ASSERT_TRUE(std::holds_alternative<JwtFailure>(refused));
  EXPECT_EQ(std::get<JwtFailure>(refused).reason, JwtFailure::wrong_audience);

  // Only the very same token is a hit: not one with the same signature part, nor one whose
  // header or claims differ by a byte (a fast hash could be made to collide; SHA-256 cannot).
  std::string forged = "x" + t.substr(t.find('.'));
  EXPECT_EQ(recall_verified(forged), nullptr);
  std::string altered = t;
  altered[t.find('.') + 3] ^= 1;
  EXPECT_EQ(recall_verified(altered), nullptr);
  EXPECT_TRUE(std::holds_alternative<JwtFailure>(verify_remembered(altered, keys, expect, now)));
}

TEST_F(JwtVerifier, AJwtVerifiedOnceIsNotRemembered) {
  auto t = token({{"sub", "once"}});
  auto r = verify_jwt_once(t, keys, expect, now);
  ASSERT_TRUE(std::holds_alternative<boost::json::object>(r));
  EXPECT_EQ(recall_verified(t), nullptr);
}
