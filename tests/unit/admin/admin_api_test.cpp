// The admin API's handlers without a listener: requests go through the router to the real API on a
// real SQLite store, authorised by tokens issuer mode signs and checks (issuer/token_inspection).
// What is checked: the rights a token needs, the JSON a caller may send, and the writes that follow.
#include "admin/admin_api.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include "common/secret_digest.hpp"
#include "issuer/issuer_token_verifier.hpp"
#include "issuer/key_rotation.hpp"
#include "issuer/snapshot_loader.hpp"
#include "issuer/token_issuer.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

struct Answer {
  int status = 0;
  boost::json::object body;
  std::string text;
};

class AdminApiTest : public test_support::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    store_ = open();
    store::ClientRecord admin;
    admin.id = "operator";
    admin.name = "operator";
    admin.secret_digest = common::digest_secret("unused");
    admin.scopes = {admin::kAdminScope};
    admin.generation = "genOperator";
    store_->insert_client(admin);
    store::ClientRecord reader = admin;
    reader.id = "reader";
    reader.scopes = {"read"};
    reader.generation = "genReader";
    store_->insert_client(reader);
    issuer::ensure_signing_key(*store_, jose::Algorithm::ES256);
    loader_ = std::make_unique<issuer::SnapshotLoader>(*store_, state_, nullptr);
    loader_->reload();
    verifier_ = std::make_unique<issuer::IssuerTokenVerifier>(state_);
    api_ = std::make_unique<admin::AdminApi>(*store_, *verifier_, admin::AdminSettings{},
                                             [this] { loader_->reload(); });
    api_->add_to(router_);
  }

  std::string token_for(const char* client, const char* scope, const char* generation) {
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    issuer::AccessTokenClaims claims{state_.settings.issuer, client, state_.settings.default_audience, scope,
                                     generation, now, now + 600};
    return std::string(issuer::issue_access_token(store::read_snapshot(state_.keys), claims));
  }
  std::string admin_token() { return token_for("operator", admin::kAdminScope, "genOperator"); }

  Answer call(std::string method, std::string path, std::string body = "", std::string token = "") {
    http::Request r;
    r.method = method;
    size_t q = path.find('?');
    r.path = std::string_view(path).substr(0, q);
    if (q != std::string::npos) r.query = std::string_view(path).substr(q + 1);
    r.body = body;
    if (!body.empty()) {
      r.content_type = "application/json";
      r.content_type_count = 1;
    }
    std::string authorization = token.empty() ? "" : "Bearer " + token;
    if (!token.empty()) {
      r.authorization = authorization;
      r.authorization_count = 1;
    }
    r.loop = &loop_;
    Answer a;
    int calls = 0;
    router_.route(r, [&](http::Response res) {
      ++calls;
      a.status = res.status;
      a.text = res.body;
      boost::system::error_code ec;
      auto v = boost::json::parse(res.body, ec);
      if (!ec && v.is_object()) a.body = v.as_object();
    });
    loop_.run();
    loop_.restart();
    EXPECT_EQ(calls, 1);
    return a;
  }
  std::string description(const Answer& a) {
    auto it = a.body.find("error_description");
    return it != a.body.end() && it->value().is_string() ? std::string(it->value().as_string()) : a.text;
  }

  std::unique_ptr<store::Store> store_;
  issuer::IssuerState state_{{"https://issuer.test", "https://issuer.test", 600}};
  std::unique_ptr<issuer::SnapshotLoader> loader_;
  std::unique_ptr<issuer::IssuerTokenVerifier> verifier_;
  std::unique_ptr<admin::AdminApi> api_;
  http::Router router_;
  boost::asio::io_context loop_;
};

}  // namespace

TEST_F(AdminApiTest, EveryCallNeedsATokenWithTheAdminScope) {
  EXPECT_EQ(call("GET", "/admin/v1/clients").status, 401);
  EXPECT_EQ(call("GET", "/admin/v1/clients", "", "not-a-token").status, 401);
  auto reader = call("GET", "/admin/v1/clients", "", token_for("reader", "read", "genReader"));
  EXPECT_EQ(reader.status, 403);
  EXPECT_EQ(reader.body["error"], "insufficient_scope");
  auto ok = call("GET", "/admin/v1/clients", "", admin_token());
  EXPECT_EQ(ok.status, 200) << ok.text;
  EXPECT_EQ(ok.body["total"], 2);
}

TEST_F(AdminApiTest, ATokenIsWorthNoMoreThanItsClientIsAllowedNow) {
  std::string token = admin_token();
  ASSERT_EQ(call("GET", "/admin/v1/keys", "", token).status, 200);
  auto narrowed = call("PATCH", "/admin/v1/clients/operator", R"({"scope":"read"})", token);
  ASSERT_EQ(narrowed.status, 200) << narrowed.text;
  EXPECT_EQ(call("GET", "/admin/v1/keys", "", token).status, 401) << "the scope it lost ended the token";
}

TEST_F(AdminApiTest, CreateShowsTheSecretOnceAndStoresOnlyItsDigest) {
  auto created = call("POST", "/admin/v1/clients", R"({"name":"reports","scope":"read write","token_ttl":900})",
                      admin_token());
  ASSERT_EQ(created.status, 201) << created.text;
  std::string id(created.body["client_id"].as_string());
  std::string secret(created.body["client_secret"].as_string());
  auto stored = store_->find_client(id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->token_ttl, 900);
  EXPECT_EQ(stored->secret_digest, common::digest_secret(secret)) << "the store keeps the digest of the secret shown";
  auto shown = call("GET", "/admin/v1/clients/" + id, "", admin_token());
  EXPECT_EQ(shown.status, 200);
  EXPECT_EQ(shown.text.find(secret), std::string::npos);
  EXPECT_EQ(shown.body["scope"], "read write");
}

TEST_F(AdminApiTest, BodiesThatAreNotWhatTheApiTakesAreRefusedWithAMessage) {
  std::string t = admin_token();
  struct Case {
    const char* body;
    const char* says;
  };
  for (const Case& c : {Case{"[1,2]", "JSON object"}, Case{"{not json", "JSON"}, Case{R"({"scope":"read"})", "name is required"},
                        Case{R"({"name":7})", "name must be a string"},
                        Case{R"({"name":"x","token_ttl":"long"})", "token_ttl must be an integer"},
                        Case{R"({"name":"x","colour":"blue"})", "colour"}}) {
    auto a = call("POST", "/admin/v1/clients", c.body, t);
    EXPECT_EQ(a.status, 400) << c.body;
    EXPECT_EQ(a.body["error"], "invalid_request") << c.body;
    EXPECT_NE(description(a).find(c.says), std::string::npos) << c.body << ": " << description(a);
  }
  EXPECT_EQ(store_->list_clients().size(), 2u) << "nothing refused was written";

  auto enabled = call("PATCH", "/admin/v1/clients/reader", R"({"enabled":"no"})", t);
  EXPECT_EQ(enabled.status, 400);
  EXPECT_NE(description(enabled).find("enabled must be true or false"), std::string::npos) << description(enabled);
}

TEST_F(AdminApiTest, WhatIsNotThereAndWhatCannotBeDoneAreSaid) {
  std::string t = admin_token();
  EXPECT_EQ(call("GET", "/admin/v1/clients/nobody", "", t).status, 404);
  EXPECT_EQ(call("POST", "/admin/v1/clients/reader/explode", "", t).status, 404);
  auto wrong_method = call("PUT", "/admin/v1/clients/reader", "", t);
  EXPECT_EQ(wrong_method.status, 405);
  auto disabled = call("POST", "/admin/v1/clients/reader/disable", "", t);
  EXPECT_EQ(disabled.status, 200) << disabled.text;
  EXPECT_FALSE(store_->find_client("reader")->enabled);
  EXPECT_EQ(call("DELETE", "/admin/v1/clients/reader", "", t).status, 204);
  EXPECT_FALSE(store_->find_client("reader"));
}

TEST_F(AdminApiTest, TheAuditTrailRecordsWhoDidWhat) {
  std::string t = admin_token();
  ASSERT_EQ(call("POST", "/admin/v1/clients/reader/disable", "", t).status, 200);
  auto audit = call("GET", "/admin/v1/audit?limit=5", "", t);
  ASSERT_EQ(audit.status, 200) << audit.text;
  EXPECT_NE(audit.text.find("operator"), std::string::npos) << audit.text;
  EXPECT_NE(audit.text.find("reader"), std::string::npos) << audit.text;
  EXPECT_EQ(call("GET", "/admin/v1/audit?limit=zero", "", t).status, 400);
}
