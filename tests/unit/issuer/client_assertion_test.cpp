// private_key_jwt's checks in issuer mode (RFC 7523 §3): signature by one of the client's keys with
// the algorithm that key is for, the claims, and no key taken from the assertion itself.
#include "issuer/client_assertion.hpp"

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "common/base64url.hpp"
#include "jose/jws_signer.hpp"
#include "jose/signing_key.hpp"

using namespace tokengate;

namespace {

struct Assertions : ::testing::Test {
  const int64_t now = 1'800'000'000;
  std::shared_ptr<const jose::SigningKey> key =
      std::make_shared<const jose::SigningKey>(jose::SigningKey::generate(jose::Algorithm::ES256));
  std::shared_ptr<const jose::SigningKey> other =
      std::make_shared<const jose::SigningKey>(jose::SigningKey::generate(jose::Algorithm::ES256));
  jose::PublicKeySet keys = jose::PublicKeySet::from_jwks(boost::json::object{{"keys", boost::json::array{key->public_jwk()}}});
  issuer::AssertionRules rules{{"https://tg.example", "https://tg.example/connect/token"}};

  boost::json::object claims() const {
    return {{"iss", "svc"}, {"sub", "svc"}, {"aud", "https://tg.example"}, {"jti", "j-1"}, {"iat", now}, {"exp", now + 60}};
  }
  boost::json::object header(const jose::SigningKey& k) const {
    return {{"alg", jose::to_string(k.algorithm())}, {"kid", k.kid()}};
  }
  std::string sign(const boost::json::object& h, const boost::json::object& c, const std::shared_ptr<const jose::SigningKey>& k) const {
    std::string input = common::base64url_encode(boost::json::serialize(h)) + "." + common::base64url_encode(boost::json::serialize(c));
    std::string token = input + ".";
    jose::JwsSigner(k).sign_append(input, token);
    return token;
  }
  std::string refusal(const std::string& assertion, const jose::PublicKeySet* with = nullptr) const {
    auto r = issuer::verify_client_assertion(assertion, "svc", with ? with : &keys, rules, now);
    if (auto* e = std::get_if<oauth::OAuthError>(&r)) {
      EXPECT_EQ(e->status, 401);
      EXPECT_EQ(e->error, "invalid_client");
      return e->description;
    }
    return "";
  }
};

}  // namespace

TEST_F(Assertions, AGoodOneGivesItsJtiAndExpiry) {
  auto r = issuer::verify_client_assertion(sign(header(*key), claims(), key), "svc", &keys, rules, now);
  auto* ok = std::get_if<issuer::VerifiedAssertion>(&r);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->jti, "j-1");
  EXPECT_EQ(ok->expires_at, now + 60 + 30 + issuer::kClockMargin) << "remembered while any node might take it";
  EXPECT_EQ(issuer::assertion_kid(sign(header(*key), claims(), key)), key->kid());
}

TEST_F(Assertions, TheTokenEndpointUrlAndAnAudienceArrayCount) {
  auto c = claims();
  c["aud"] = boost::json::array{"https://elsewhere.example", "https://tg.example/connect/token"};
  EXPECT_EQ(refusal(sign(header(*key), c, key)), "");
}

TEST_F(Assertions, AnotherKeyAnUnknownClientAndNoKeysGetTheSameAnswer) {
  std::string by_other = refusal(sign(header(*other), claims(), other));
  auto h = header(*other);
  h["kid"] = key->kid();  // the registered kid, another key's signature
  std::string kid_stolen = refusal(sign(h, claims(), other));
  auto none = issuer::verify_client_assertion(sign(header(*key), claims(), key), "svc", nullptr, rules, now);
  EXPECT_NE(by_other.find("not signed by a key registered"), std::string::npos) << by_other;
  EXPECT_EQ(by_other, kid_stolen);
  EXPECT_EQ(std::get<oauth::OAuthError>(none).description, by_other);
}

TEST_F(Assertions, KeysInTheHeaderAreRefusedNeverUsed) {
  for (const char* name : {"jku", "x5u", "jwk", "x5c"}) {
    auto h = header(*key);
    h[name] = "https://attacker.example/keys";
    EXPECT_NE(refusal(sign(h, claims(), key)).find(std::string("header has '") + name + "'"), std::string::npos) << name;
  }
}

TEST_F(Assertions, EveryClaimIsChecked) {
  auto with = [&](const char* name, boost::json::value v) {
    auto c = claims();
    if (v.is_null()) c.erase(name);
    else c[name] = v;
    return refusal(sign(header(*key), c, key));
  };
  EXPECT_NE(with("iss", "other").find("iss and sub"), std::string::npos);
  EXPECT_NE(with("sub", "other").find("iss and sub"), std::string::npos);
  EXPECT_NE(with("aud", "https://other.example").find("aud must name"), std::string::npos);
  EXPECT_NE(with("exp", nullptr).find("no valid exp"), std::string::npos);
  EXPECT_NE(with("exp", "tomorrow").find("no valid exp"), std::string::npos);
  EXPECT_NE(with("exp", now - 31).find("expired"), std::string::npos);
  EXPECT_EQ(with("exp", now - 29), "");  // the leeway
  EXPECT_NE(with("exp", now + 631).find("600 seconds ahead"), std::string::npos);
  EXPECT_NE(with("iat", now + 31).find("in the future"), std::string::npos);
  EXPECT_NE(with("iat", "soon").find("iat is not a NumericDate"), std::string::npos);
  EXPECT_NE(with("nbf", now + 31).find("not valid yet"), std::string::npos);
  EXPECT_NE(with("jti", nullptr).find("no jti"), std::string::npos);
  EXPECT_NE(with("jti", boost::json::string(std::string(257, 'j'))).find("longer than 256"), std::string::npos);
  EXPECT_NE(with("jti", boost::json::string(std::string("a\0b", 3))).find("control characters"), std::string::npos);
}

TEST_F(Assertions, NoneHmacAndMalformedInputAreRefused) {
  auto b64 = [](const std::string& s) { return common::base64url_encode(s); };
  std::string payload = b64(boost::json::serialize(claims()));
  EXPECT_NE(refusal(b64(R"({"alg":"none"})") + "." + payload + ".").find("alg must be"), std::string::npos);
  EXPECT_NE(refusal(b64(R"({"alg":"HS256"})") + "." + payload + ".AAAA").find("HMAC"), std::string::npos);
  EXPECT_NE(refusal("a.b").find("not a signed JWT"), std::string::npos);
  EXPECT_NE(refusal(b64("[1]") + "." + payload + ".AAAA").find("header is not a JSON object"), std::string::npos);
  EXPECT_NE(refusal(b64(R"({"alg":"ES256","crit":["x"]})") + "." + payload + ".AAAA").find("crit"), std::string::npos);
  EXPECT_EQ(issuer::assertion_kid("garbage"), "");
}
