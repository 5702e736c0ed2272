// Whether a token is live, and what introspection tells whom: revoked tokens and generations, missing
// and disabled clients, withdrawn keys, and the caller's right to see another client's token.
#include "issuer/token_inspection.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "issuer/introspection.hpp"
#include "issuer/key_rotation.hpp"
#include "issuer/token_issuer.hpp"

using namespace tokengate;
using Kind = store::RevocationRecord::Kind;

namespace {

class TokenInspectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    owner.id = "owner";
    owner.generation = "genOwner";
    owner.scopes = {"read"};
    other.id = "other";
    other.generation = "genOther";
    other.scopes = {"read", "write"};
    resource_server.id = "rs";
    resource_server.generation = "genRs";
    resource_server.scopes = {std::string(issuer::kIntrospectScope)};
    publish_clients();
    key = issuer::generate_key_record(jose::Algorithm::ES256, now - 10);
    state.keys.publish(issuer::KeySet::build({key}, now));
  }

  void publish_clients() {
    state.clients.publish(std::make_shared<const store::ClientSnapshot>(std::vector{owner, other, resource_server}));
  }
  void revoke(std::vector<store::RevocationRecord> records) {
    state.revocations.publish(std::make_shared<const issuer::RevocationSnapshot>(records));
  }

  std::string token_of(const store::ClientRecord& c) {
    issuer::AccessTokenClaims claims{"https://as.test", c.id, "api", "read", c.generation, now, now + 600};
    return std::string(issuer::issue_access_token(store::read_snapshot(state.keys), claims));
  }
  std::string jti_of(const std::string& token) {
    auto inspected = issuer::inspect_access_token(token, state, {}, now);
    return std::string(std::get<boost::json::object>(inspected).at("jti").as_string());
  }
  bool live(const std::string& token) {
    return std::holds_alternative<boost::json::object>(issuer::inspect_access_token(token, state, {}, now));
  }
  boost::json::object introspect(const std::string& token, const store::ClientRecord& caller) {
    auto r = issuer::introspection_response(issuer::inspect_access_token(token, state, {}, now), caller);
    EXPECT_TRUE(r.no_store);
    return boost::json::parse(r.body).as_object();
  }

  const int64_t now = 1'800'000'000;
  issuer::IssuerState state{{"https://as.test", "api", 600}};
  store::ClientRecord owner, other, resource_server;
  store::KeyRecord key;
};

TEST_F(TokenInspectionTest, ALiveTokenIsActiveForItsOwnerAndResourceServersOnly) {
  std::string token = token_of(owner);
  auto mine = introspect(token, owner);
  EXPECT_TRUE(mine.at("active").as_bool());
  EXPECT_EQ(mine.at("client_id").as_string(), "owner");
  EXPECT_EQ(mine.at("scope").as_string(), "read");
  EXPECT_EQ(mine.at("token_type").as_string(), "Bearer");
  for (const char* member : {"sub", "aud", "iss", "exp", "iat", "jti"}) EXPECT_TRUE(mine.contains(member)) << member;
  EXPECT_TRUE(introspect(token, resource_server).at("active").as_bool());
  // Another client learns nothing: the same answer as for a token that does not exist.
  EXPECT_EQ(introspect(token, other), boost::json::parse(R"({"active":false})").as_object());
}

TEST_F(TokenInspectionTest, ARevokedTokenIsInactiveAndItsNeighboursAreNot) {
  std::string first = token_of(owner), second = token_of(owner);
  revoke({{Kind::token, jti_of(first), "owner", now, now + 600}});
  EXPECT_FALSE(live(first));
  EXPECT_TRUE(live(second));
  EXPECT_FALSE(introspect(first, resource_server).at("active").as_bool());
}

TEST_F(TokenInspectionTest, ARevokedGenerationEndsEveryTokenOfIt) {
  std::string before = token_of(owner);
  revoke({{Kind::generation, "genOwner", "owner", now, now + 600}});
  owner.generation = "genOwner2";  // what revoke-tokens does: a new generation for later tokens
  publish_clients();
  EXPECT_FALSE(live(before));
  EXPECT_TRUE(live(token_of(owner)));
  EXPECT_TRUE(live(token_of(other)));
}

// Security round two: a token is worth no more than its client is allowed now.
TEST_F(TokenInspectionTest, ATokenCarryingAScopeItsClientLostIsInactive) {
  std::string token = token_of(owner);  // scope "read"
  EXPECT_TRUE(live(token));
  owner.scopes = {"write"};
  publish_clients();
  auto inspected = issuer::inspect_access_token(token, state, {}, now);
  ASSERT_TRUE(std::holds_alternative<jose::JwtFailure>(inspected));
  EXPECT_NE(std::get<jose::JwtFailure>(inspected).message.find("no longer allowed"), std::string::npos);
  owner.scopes = {"write", "read"};
  publish_clients();
  EXPECT_TRUE(live(token));
}

TEST_F(TokenInspectionTest, TokensOfDisabledAndDeletedClientsAreInactive) {
  std::string a = token_of(owner), b = token_of(other);
  owner.enabled = false;
  state.clients.publish(std::make_shared<const store::ClientSnapshot>(std::vector{owner, resource_server}));
  EXPECT_FALSE(live(a));  // disabled
  EXPECT_FALSE(live(b));  // deleted
}

TEST_F(TokenInspectionTest, AWithdrawnKeyTakesItsTokensWithIt) {
  std::string token = token_of(owner);
  EXPECT_TRUE(live(token));  // verified once: remembered
  key.withdrawn_at = now - 1;
  auto replacement = issuer::generate_key_record(jose::Algorithm::ES256, now - 1);
  state.keys.publish(issuer::KeySet::build({key, replacement}, now));
  auto r = issuer::inspect_access_token(token, state, {}, now);
  ASSERT_TRUE(std::holds_alternative<jose::JwtFailure>(r));
  EXPECT_EQ(std::get<jose::JwtFailure>(r).reason, jose::JwtFailure::unknown_key);
}

TEST_F(TokenInspectionTest, ExpiredForeignAndGarbageTokensAreInactive) {
  std::string token = token_of(owner);
  EXPECT_FALSE(std::holds_alternative<boost::json::object>(issuer::inspect_access_token(token, state, {}, now + 3600)));
  issuer::IssuerState elsewhere{{"https://other.test", "api", 600}};
  elsewhere.clients.publish(state.clients.load());
  elsewhere.keys.publish(state.keys.load());
  EXPECT_FALSE(std::holds_alternative<boost::json::object>(issuer::inspect_access_token(token, elsewhere, {}, now)));
  for (std::string garbage : {std::string(), std::string("a.b.c"), std::string(10000, 'a')})
    EXPECT_FALSE(introspect(garbage, resource_server).at("active").as_bool());
}

}  // namespace
