// libtokengate's TokenSource against a token endpoint played by a local HTTP server: the request
// it sends for each way of authenticating, a token kept while fresh and fetched again past
// refresh_at, the last good token kept through an outage, and a refusal said as one.
#include "tokengate/token_source.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "common/base64url.hpp"
#include "support/local_http_server.hpp"
#include "tokengate/error.hpp"

using namespace tokengate;
using test_support::LocalHttpServer;
using test_support::ReceivedRequest;
using test_support::Reply;

namespace {

Reply token_reply(const std::string& value, int expires_in = 3600) {
  return Reply::http(200, R"({"access_token":")" + value + R"(","token_type":"Bearer","expires_in":)" +
                              std::to_string(expires_in) + R"(,"scope":"read"})");
}

TokenSourceOptions options_for(const LocalHttpServer& server) {
  TokenSourceOptions o;
  o.token_url = server.url("/connect/token");
  o.client_id = "client-1";
  o.client_secret = "s3cret+/=";
  o.scope = "read";
  o.min_backoff = std::chrono::milliseconds(1);
  return o;
}

}  // namespace

TEST(TokenSource, SendsAClientCredentialsGrantWithBasicAuthAndKeepsTheToken) {
  LocalHttpServer server([](const ReceivedRequest&) { return token_reply("tok-1"); });
  TokenSource source(options_for(server));
  EXPECT_EQ(source.token(), "tok-1");
  EXPECT_EQ(source.token(), "tok-1");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u) << "a fresh token is answered from memory";
  EXPECT_EQ(seen[0].request_line(), "POST /connect/token HTTP/1.1");
  EXPECT_EQ(seen[0].header("Content-Type"), "application/x-www-form-urlencoded");
  // RFC 6749 §2.3.1: the ID and secret form-encoded, then Basic.
  EXPECT_EQ(seen[0].header("Authorization"), "Basic " + common::base64_encode("client-1:s3cret%2B%2F%3D"));
  EXPECT_NE(seen[0].body.find("grant_type=client_credentials"), std::string::npos) << seen[0].body;
  EXPECT_NE(seen[0].body.find("scope=read"), std::string::npos);
  EXPECT_EQ(seen[0].body.find("s3cret"), std::string::npos) << "Basic: the secret is not in the body";
  EXPECT_EQ(source.requests_sent(), 1u);
}

TEST(TokenSource, PostAndCellsQueryPutTheCredentialsWhereThoseServersReadThem) {
  LocalHttpServer server([](const ReceivedRequest&) { return token_reply("tok"); });
  auto o = options_for(server);
  o.auth = ClientAuth::post;
  TokenSource(o).token();
  o.auth = ClientAuth::cells_query;
  TokenSource(o).token();
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[0].header("Authorization").empty());
  EXPECT_NE(seen[0].body.find("client_id=client-1"), std::string::npos) << seen[0].body;
  EXPECT_NE(seen[0].body.find("client_secret=s3cret%2B%2F%3D"), std::string::npos) << seen[0].body;
  EXPECT_NE(seen[1].request_line().find("ClientId=client-1"), std::string::npos) << seen[1].request_line();
  EXPECT_NE(seen[1].request_line().find("ClientSecret=s3cret%2B%2F%3D"), std::string::npos);
}

TEST(TokenSource, PastRefreshAtItFetchesANewOne) {
  std::atomic<int> n{0};
  LocalHttpServer server([&n](const ReceivedRequest&) { return token_reply("tok-" + std::to_string(++n), 3600); });
  auto o = options_for(server);
  o.refresh_at = 0.0001;  // 0.36 s of a 3,600 s token
  TokenSource source(o);
  EXPECT_EQ(source.token(), "tok-1");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // time itself: past 0.36 s of its life
  std::string next = source.token();
  // One caller fetches, the others keep the current token meanwhile: the new one shows at the latest
  // on the call after the fetch.
  for (int i = 0; i < 200 && next == "tok-1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    next = source.token();
  }
  EXPECT_EQ(next, "tok-2");
}

TEST(TokenSource, TheLastGoodTokenIsKeptThroughAnOutage) {
  std::atomic<bool> down{false};
  LocalHttpServer server([&down](const ReceivedRequest&) {
    return down ? Reply::http(503, R"({"error":"temporarily_unavailable"})") : token_reply("good", 3600);
  });
  auto o = options_for(server);
  o.refresh_at = 0.0001;  // a new token is due after 0.36 s
  TokenSource source(o);
  EXPECT_EQ(source.token(), "good");
  down = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // time itself: past refresh_at
  for (int i = 0; i < 20; ++i) EXPECT_EQ(source.token(), "good") << "the server fails: the valid token is kept";
  EXPECT_GT(source.requests_sent(), 1u) << "and a new one was asked for";

  source.invalidate();  // a resource said 401: the next call must fetch
  EXPECT_THROW(source.token(), Error) << "invalidated: nothing left to serve";
  down = false;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // time itself: past the 1 ms backoff
  EXPECT_EQ(source.token(), "good");
}

TEST(TokenSource, ARefusalIsSaidAsOneWithTheServersWords) {
  LocalHttpServer server([](const ReceivedRequest&) {
    return Reply::http(401, R"({"error":"invalid_client","error_description":"Client authentication failed."})");
  });
  TokenSource source(options_for(server));
  try {
    source.token();
    FAIL() << "a refused client got a token";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Error::Code::refused);
    EXPECT_NE(std::string(e.what()).find("invalid_client"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << "never the secret in a message";
  }
}

TEST(TokenSource, AnAnswerThatIsNotATokenResponseIsABadResponse) {
  LocalHttpServer server([](const ReceivedRequest&) { return Reply::http(200, "<html>login</html>", "", "text/html"); });
  TokenSource source(options_for(server));
  try {
    source.token();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Error::Code::bad_response) << e.what();
  }
}
