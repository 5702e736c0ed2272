// The proxy's upstream transport against a local HTTP server: what it sends, each outcome it
// reports (an answer, refused, a deadline, garbage), retries only where they are safe, and one
// kept-alive connection for calls in turn.
#include "proxy/upstream_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "http/event_loop.hpp"
#include "proxy/circuit_breaker.hpp"
#include "support/local_http_server.hpp"

using namespace tokengate;
using test_support::LocalHttpServer;
using test_support::ReceivedRequest;
using test_support::Reply;
using Outcome = proxy::UpstreamResult::Outcome;

namespace {

class UpstreamClientTest : public ::testing::Test {
 protected:
  // As the server does when a thread's event loop ends: the pooled connections close with it.
  void TearDown() override { http::run_event_loop_exit_hooks(); }

  proxy::UpstreamResult send(proxy::UpstreamClient& client, proxy::UpstreamRequest request) {
    proxy::UpstreamResult result;
    int calls = 0;
    boost::asio::post(loop_, [&] {
      client.send(loop_, request, [&](proxy::UpstreamResult r) {
        result = std::move(r);
        ++calls;
      });
    });
    loop_.run();
    loop_.restart();
    EXPECT_EQ(calls, 1);
    return result;
  }
  static proxy::UpstreamRequest token_request(const std::string& url) {
    proxy::UpstreamRequest r;
    r.method = proxy::UpstreamRequest::Method::post;
    r.url = url;
    r.form = "grant_type=client_credentials&scope=read";
    r.authorization = "Basic Y2xpZW50OnNlY3JldA==";
    r.forwarded_for = "203.0.113.7";
    return r;
  }
  proxy::UpstreamOptions fast() {
    proxy::UpstreamOptions o;
    o.connect_timeout = std::chrono::milliseconds(500);
    o.deadline = std::chrono::milliseconds(1500);
    return o;
  }

  boost::asio::io_context loop_;
  proxy::CircuitBreaker breaker_{1000, std::chrono::seconds(1)};
};

}  // namespace

TEST_F(UpstreamClientTest, SendsTheFormWithItsHeadersAndReportsTheAnswer) {
  LocalHttpServer server([](const ReceivedRequest&) { return Reply::http(200, R"({"access_token":"t"})", "Retry-After: 3\r\n"); });
  proxy::UpstreamClient client(fast(), breaker_);
  auto r = send(client, token_request(server.url("/token")));
  EXPECT_EQ(r.outcome, Outcome::response) << r.detail;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"access_token":"t"})");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].request_line(), "POST /token HTTP/1.1");
  EXPECT_EQ(seen[0].header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[0].header("Authorization"), "Basic Y2xpZW50OnNlY3JldA==");
  EXPECT_EQ(seen[0].header("X-Forwarded-For"), "203.0.113.7");
  EXPECT_EQ(seen[0].header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen[0].body, "grant_type=client_credentials&scope=read");
}

TEST_F(UpstreamClientTest, CallsInTurnShareOneKeptAliveConnection) {
  LocalHttpServer server([](const ReceivedRequest&) { return Reply::http(200, "{}"); });
  proxy::UpstreamClient client(fast(), breaker_);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(send(client, token_request(server.url("/token"))).status, 200);
  EXPECT_EQ(server.requests().size(), 5u);
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(UpstreamClientTest, ARefusedConnectionIsUnreachable) {
  uint16_t port;
  { LocalHttpServer gone([](const ReceivedRequest&) { return Reply{}; }); port = gone.port(); }
  auto o = fast();
  o.max_retries = 0;
  proxy::UpstreamClient client(o, breaker_);
  auto r = send(client, token_request("http://127.0.0.1:" + std::to_string(port) + "/token"));
  EXPECT_EQ(r.outcome, Outcome::unreachable) << r.detail;
  EXPECT_FALSE(r.detail.empty());
}

TEST_F(UpstreamClientTest, AnUpstreamThatDoesNotAnswerInTimeIsATimeout) {
  LocalHttpServer server([](const ReceivedRequest&) { return Reply{Reply::http(200, "{}").bytes, std::chrono::seconds(5)}; });
  auto o = fast();
  o.deadline = std::chrono::milliseconds(300);
  proxy::UpstreamClient client(o, breaker_);
  auto started = std::chrono::steady_clock::now();
  auto r = send(client, token_request(server.url("/token")));
  EXPECT_EQ(r.outcome, Outcome::timeout) << r.detail;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3)) << "the deadline holds";
}

TEST_F(UpstreamClientTest, AnAnswerThatIsNotHttpIsBroken) {
  LocalHttpServer server([](const ReceivedRequest&) { return Reply{std::string("SSH-2.0-OpenSSH_9.2\r\n\r\n")}; });
  auto o = fast();
  o.max_retries = 0;
  proxy::UpstreamClient client(o, breaker_);
  EXPECT_EQ(send(client, token_request(server.url("/token"))).outcome, Outcome::broken);
}

TEST_F(UpstreamClientTest, A503IsRetriedAnd400IsNot) {
  std::atomic<int> n{0};
  LocalHttpServer server([&n](const ReceivedRequest&) {
    return ++n < 3 ? Reply::http(503, R"({"error":"temporarily_unavailable"})") : Reply::http(200, "{}");
  });
  auto o = fast();
  o.max_retries = 2;
  proxy::UpstreamClient client(o, breaker_);
  auto r = send(client, token_request(server.url("/token")));
  EXPECT_EQ(r.status, 200) << "two 503s, then an answer";
  EXPECT_EQ(server.requests().size(), 3u);

  LocalHttpServer refusing([](const ReceivedRequest&) { return Reply::http(400, R"({"error":"invalid_request"})"); });
  auto refused = send(client, token_request(refusing.url("/token")));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refusing.requests().size(), 1u) << "the upstream may have acted on it: never repeated";
}

TEST(UpstreamUrl, OnlyAbsoluteHttpUrlsWithAHost) {
  EXPECT_NO_THROW(proxy::check_upstream_url("--upstream-token-url", "https://auth.example/token"));
  for (const char* bad : {"ftp://x/token", "/token", "https://", "auth.example/token"})
    EXPECT_THROW(proxy::check_upstream_url("--upstream-token-url", bad), std::invalid_argument) << bad;
}
