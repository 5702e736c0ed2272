// The token front with the issuer mode behind it, as a plain function from request to response:
// no sockets.
#include "front/token_front.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "common/secret_digest.hpp"
#include "issuer/issuer_mode.hpp"
#include "issuer/key_rotation.hpp"
#include "issuer/snapshot_loader.hpp"
#include "issuer/token_status.hpp"
#include "common/base64url.hpp"
#include "jose/jws_verify.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

class TokenFrontTest : public test_support::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    store_ = open();
    watcher_ = std::make_unique<store::StoreWatcher>(*store_, [] { return int64_t{0}; });  // not started: health only
    mode_ = std::make_unique<issuer::IssuerMode>(state, *watcher_, *store_);
    store::ClientRecord c;
    c.id = "client-1";
    c.name = "one";
    c.secret_digest = common::digest_secret("s3cret");
    c.scopes = {"read", "write"};
    c.generation = "g3n";
    store::ClientRecord off = c;
    off.id = "client-off";
    off.enabled = false;
    // Into the store, and from there into the snapshots as the server loads them.
    store_->insert_client(c);
    store_->insert_client(off);
    issuer::ensure_signing_key(*store_, jose::Algorithm::ES256, nullptr);
    issuer::SnapshotLoader(*store_, state, nullptr).reload();
  }

  http::Response post(std::string body, std::string authorization = "", bool cells = false, std::string query = "") {
    http::Request r;
    r.method = "POST";
    r.path = cells ? "/v4.0/cells/connect/token" : "/connect/token";
    r.body = body;
    if (!body.empty()) {
      r.content_type = "application/x-www-form-urlencoded";
      r.content_type_count = 1;
    }
    if (!authorization.empty()) {
      r.authorization = authorization;
      r.authorization_count = 1;
    }
    r.query = query;
    return handle(r, cells);
  }

  // Through the front, as the router would call it; the issuer answers at once.
  http::Response handle(const http::Request& r, bool cells = false) {
    front::TokenFront front(*mode_, {.cells_compatible = cells});
    http::Response out;
    int calls = 0;
    front.handle(r, [&](http::Response res) {
      out = std::move(res);
      ++calls;
    });
    EXPECT_EQ(calls, 1);
    return out;
  }

  static std::string basic(const std::string& id, const std::string& secret) {
    return "Basic " + common::base64_encode(id + ":" + secret);
  }
  static std::string error_of(const http::Response& r) {
    return std::string(boost::json::parse(r.body).as_object().at("error").as_string());
  }

  issuer::IssuerState state{{"https://issuer.test", "https://api.test", 600}};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::StoreWatcher> watcher_;
  std::unique_ptr<issuer::IssuerMode> mode_;
};

TEST_F(TokenFrontTest, IssuesASignedJwtWithBasic) {
  auto r = post("grant_type=client_credentials&scope=read", basic("client-1", "s3cret"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.no_store);
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(body.at("expires_in").as_int64(), 600);
  EXPECT_EQ(body.at("scope").as_string(), "read");

  std::string token(body.at("access_token").as_string());
  auto jws = jose::parse_compact(token);  // holds views into `token`
  ASSERT_TRUE(jws);
  auto header = boost::json::parse(jws->header).as_object();
  EXPECT_EQ(header.at("typ").as_string(), "at+jwt");
  EXPECT_EQ(header.at("alg").as_string(), "ES256");
  const auto& key = *store::read_snapshot(state.keys).active;
  EXPECT_EQ(header.at("kid").as_string(), key.kid());
  EXPECT_TRUE(jose::verify_signature(key.pkey(), jose::Algorithm::ES256, jws->signing_input, jws->signature));

  auto claims = boost::json::parse(jws->payload).as_object();
  EXPECT_EQ(claims.at("iss").as_string(), "https://issuer.test");
  EXPECT_EQ(claims.at("sub").as_string(), "client-1");
  EXPECT_EQ(claims.at("client_id").as_string(), "client-1");
  EXPECT_EQ(claims.at("aud").as_string(), "https://api.test");
  EXPECT_EQ(claims.at("scope").as_string(), "read");
  EXPECT_EQ(claims.at("exp").as_int64() - claims.at("iat").as_int64(), 600);
  // jti "LIST.INDEX" names the token's entry in a status list, the same one its status claim names.
  auto id = issuer::parse_token_id(claims.at("jti").as_string());
  ASSERT_TRUE(id);
  EXPECT_EQ(id->generation, "g3n");
  const auto& status = claims.at("status").at("status_list").as_object();
  EXPECT_EQ(status.at("idx").as_int64(), id->index);
  EXPECT_EQ(status.at("uri").as_string(), "https://issuer.test/statuslists/" + std::string(id->list));
}

TEST_F(TokenFrontTest, AcceptsClientSecretPost) {
  auto r = post("grant_type=client_credentials&client_id=client-1&client_secret=s3cret");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(boost::json::parse(r.body).as_object().at("scope").as_string(), "read write");
}

TEST_F(TokenFrontTest, CellsRouteTakesQueryCredentialsAndNoBody) {
  auto r = post("", "", true, "ClientId=client-1&ClientSecret=s3cret");
  EXPECT_EQ(r.status, 200) << r.body;
  // The standard route does not read credentials from the query.
  EXPECT_EQ(post("grant_type=client_credentials", "", false, "ClientId=client-1&ClientSecret=s3cret").status, 401);
}

TEST_F(TokenFrontTest, WrongUnknownAndDisabledLookTheSame) {
  auto wrong = post("grant_type=client_credentials", basic("client-1", "nope"));
  auto unknown = post("grant_type=client_credentials", basic("nobody", "s3cret"));
  auto disabled = post("grant_type=client_credentials", basic("client-off", "s3cret"));
  for (const auto* r : {&wrong, &unknown, &disabled}) {
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(error_of(*r), "invalid_client");
    EXPECT_EQ(r->body, wrong.body);
    ASSERT_EQ(r->headers.size(), 1u);
    EXPECT_EQ(r->headers[0].first, "WWW-Authenticate");
  }
  auto post_wrong = post("grant_type=client_credentials&client_id=client-1&client_secret=x");
  EXPECT_EQ(post_wrong.status, 401);
  EXPECT_TRUE(post_wrong.headers.empty());  // no Basic attempted, no Basic challenge
}

TEST_F(TokenFrontTest, BadRequestsGetTheRfcErrors) {
  auto b = basic("client-1", "s3cret");
  EXPECT_EQ(error_of(post("", b)), "invalid_request");  // no grant_type
  EXPECT_EQ(error_of(post("grant_type=password", b)), "unsupported_grant_type");
  EXPECT_EQ(error_of(post("grant_type=client_credentials&scope=admin", b)), "invalid_scope");
  EXPECT_EQ(error_of(post("grant_type=client_credentials&grant_type=client_credentials", b)), "invalid_request");
  EXPECT_EQ(error_of(post("grant_type=client_credentials&scope=%zz", b)), "invalid_request");
  EXPECT_EQ(error_of(post("grant_type=client_credentials&resource=https://other.test", b)), "invalid_target");
  // Two authentication methods at once (RFC 6749 §2.3).
  EXPECT_EQ(error_of(post("grant_type=client_credentials&client_id=client-1&client_secret=s3cret", b)),
            "invalid_request");
  EXPECT_EQ(error_of(post("grant_type=client_credentials", "Basic %%%")), "invalid_request");
  auto bearer = post("grant_type=client_credentials", "Bearer abc");
  EXPECT_EQ(bearer.status, 401);
  EXPECT_EQ(error_of(post("grant_type=client_credentials&client_secret=s3cret")), "invalid_request");
  auto none = post("grant_type=client_credentials");
  EXPECT_EQ(none.status, 401);
}

TEST_F(TokenFrontTest, RefusesOtherContentTypes) {
  http::Request r;
  r.method = "POST";
  r.path = "/connect/token";
  r.body = R"({"grant_type":"client_credentials"})";
  r.content_type = "application/json";
  r.content_type_count = 1;
  auto res = handle(r);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("application/x-www-form-urlencoded"), std::string::npos);
  r.content_type = "Application/X-WWW-Form-Urlencoded; charset=UTF-8";
  r.body = "grant_type=client_credentials&client_id=client-1&client_secret=s3cret";
  EXPECT_EQ(handle(r).status, 200);
}

TEST_F(TokenFrontTest, ErrorBodiesCarryCodeAndMessage) {
  auto r = post("grant_type=nope", basic("client-1", "s3cret"));
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("code").as_int64(), 400);
  EXPECT_EQ(body.at("message").as_string(), body.at("error_description").as_string());
}

TEST_F(TokenFrontTest, ARefreshRequestIsToldToUseTheClientCredentials) {
  // What the Aspose SDKs send after a 401: no refresh token, no client credentials.
  auto r = post("grant_type=refresh_token");
  EXPECT_EQ(r.status, 400);
  auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("error").as_string(), "unsupported_grant_type");
  std::string message(body.at("message").as_string());
  EXPECT_NE(message.find("no refresh tokens"), std::string::npos) << message;
  EXPECT_NE(message.find("client_credentials"), std::string::npos) << message;
}

TEST_F(TokenFrontTest, TheSdkRoutesTakeMultipartAndIgnoreABearerHeader) {
  std::string body =
      "--B\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\nclient-1\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\ns3cret\r\n--B--\r\n";
  http::Request r;
  r.method = "POST";
  r.path = "/v3.0/connect/token";
  r.body = body;
  r.content_type = "multipart/form-data; boundary=B";
  r.content_type_count = 1;
  r.authorization = "Bearer an-old-token";
  r.authorization_count = 1;
  front::TokenFront sdk(*mode_, {.sdk_compatible = true});
  http::Response out;
  sdk.handle(r, [&](http::Response res) { out = std::move(res); });
  EXPECT_EQ(out.status, 200) << out.body;
  front::TokenFront standard(*mode_, {});
  standard.handle(r, [&](http::Response res) { out = std::move(res); });
  EXPECT_EQ(out.status, 400);  // the RFC 6749 route wants its form
}

}  // namespace
