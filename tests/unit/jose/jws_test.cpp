#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <memory>

#include "common/base64url.hpp"
#include "jose/jwk.hpp"
#include "jose/jws_signer.hpp"
#include "jose/jws_verify.hpp"
#include "jose/signing_key.hpp"

using namespace tokengate::jose;
namespace common = tokengate::common;

class JwsRoundTrip : public ::testing::TestWithParam<Algorithm> {};

TEST_P(JwsRoundTrip, SignsAndVerifiesThroughThePublicJwk) {
  auto key = std::make_shared<const SigningKey>(SigningKey::generate(GetParam()));
  JwsSigner signer(key);
  std::string input = common::base64url_encode(R"({"alg":"x"})") + "." + common::base64url_encode(R"({"sub":"a"})");
  std::string token = input + ".";
  signer.sign_append(input, token);

  auto parsed = parse_compact(token);
  ASSERT_TRUE(parsed);
  Algorithm alg;
  auto jwk = key->public_jwk();
  auto pub = public_key_from_jwk(jwk, alg);
  ASSERT_TRUE(pub);
  EXPECT_EQ(alg, GetParam());
  EXPECT_TRUE(verify_signature(pub.get(), alg, parsed->signing_input, parsed->signature));

  std::string tampered = parsed->signature;
  tampered[5] ^= 1;
  EXPECT_FALSE(verify_signature(pub.get(), alg, parsed->signing_input, tampered));
  EXPECT_FALSE(verify_signature(pub.get(), alg, std::string(parsed->signing_input) + "x", parsed->signature));
}

TEST_P(JwsRoundTrip, PemRoundTripKeepsTheKid) {
  auto key = SigningKey::generate(GetParam());
  auto again = SigningKey::from_pem(GetParam(), key.private_pem());
  EXPECT_EQ(key.kid(), again.kid());
  EXPECT_EQ(key.kid().size(), 43u);  // base64url of a SHA-256 digest
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, JwsRoundTrip,
                         ::testing::Values(Algorithm::ES256, Algorithm::EdDSA, Algorithm::RS256, Algorithm::PS256),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(Jws, AnRsaSignatureVerifiesOnlyWithItsOwnPadding) {
  // RS256 (PKCS #1 v1.5) and PS256 (PSS) on the same key: neither passes for the other.
  auto key = std::make_shared<const SigningKey>(SigningKey::generate(Algorithm::PS256));
  JwsSigner pss(key);
  std::string input = common::base64url_encode(R"({"alg":"PS256"})") + "." + common::base64url_encode("{}");
  std::string token = input + ".";
  pss.sign_append(input, token);
  auto parsed = parse_compact(token);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(verify_signature(key->pkey(), Algorithm::PS256, parsed->signing_input, parsed->signature));
  EXPECT_FALSE(verify_signature(key->pkey(), Algorithm::RS256, parsed->signing_input, parsed->signature));
}

TEST(Jwk, ThumbprintMatchesRfc7638Example) {
  // RFC 7638 §3.1: the example RSA key and its thumbprint.
  auto jwk = boost::json::parse(
                 R"({"e":"AQAB","kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"})")
                 .as_object();
  EXPECT_EQ(thumbprint(jwk), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(Jws, RejectsMalformedCompactTokens) {
  EXPECT_FALSE(parse_compact("a.b"));
  EXPECT_FALSE(parse_compact("a.b.c.d"));
  EXPECT_FALSE(parse_compact("a+.b.c"));
}

TEST(SigningKey, RefusesAKeyOfAnotherType) {
  auto ec = SigningKey::generate(Algorithm::ES256);
  EXPECT_THROW(SigningKey::from_pem(Algorithm::RS256, ec.private_pem()), std::runtime_error);
  EXPECT_THROW(SigningKey::from_pem(Algorithm::ES256, "not a pem"), std::runtime_error);
}
