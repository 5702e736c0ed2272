// The proxy's token path against a scripted upstream: request sharing, error mapping, the 401
// challenge of each caller, and a transport that throws.
#include "proxy/proxy_endpoint.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "common/form_encoding.hpp"
#include "fake_transport.hpp"

using namespace tokengate;
using test_support::FakeTransport;
using O = proxy::UpstreamResult::Outcome;

namespace {

constexpr const char* kToken = R"({"access_token":"upstream-token","token_type":"Bearer","expires_in":600})";

std::string header(const http::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

class ProxyEndpointTest : public ::testing::Test {
 protected:
  // One caller: its request goes through the endpoint; its answer lands in the returned slot.
  struct Caller {
    std::string body;
    std::string authorization;
    http::Request http;
    std::vector<http::Response> answers;
  };

  std::unique_ptr<Caller> call(std::string form, std::string authorization = "") {
    auto c = std::make_unique<Caller>();
    c->body = std::move(form);
    c->authorization = std::move(authorization);
    c->http.method = "POST";
    c->http.path = "/connect/token";
    c->http.body = c->body;
    c->http.content_type = "application/x-www-form-urlencoded";
    c->http.content_type_count = 1;
    if (!c->authorization.empty()) {
      c->http.authorization = c->authorization;
      c->http.authorization_count = 1;
    }
    c->http.loop = &loop;
    auto parsed = oauth::parse_token_request(c->http);
    auto& request = std::get<oauth::TokenRequest>(parsed);
    oauth::PresentedCredentials creds{"client", "secret", !c->authorization.empty()};
    Caller* raw = c.get();
    endpoint.forward(request, creds, [raw](http::Response r) { raw->answers.push_back(std::move(r)); });
    return c;
  }

  boost::asio::io_context loop;
  FakeTransport upstream;
  proxy::TokenCache cache{100};
  proxy::CacheKeyer keyer;
  proxy::ProxyEndpoint endpoint{upstream, cache, keyer, "https://upstream.test/connect/token", proxy::UpstreamAuth::basic};
};

TEST_F(ProxyEndpointTest, SendsAClientCredentialsRequestWithOurBasicAuthentication) {
  auto c = call("grant_type=client_credentials&scope=a%20b", common::basic_authorization("client", "secret"));
  ASSERT_EQ(upstream.calls.size(), 1u);
  const auto& sent = upstream.calls[0].request;
  EXPECT_EQ(sent.method, proxy::UpstreamRequest::Method::post);
  EXPECT_EQ(sent.url, "https://upstream.test/connect/token");
  EXPECT_EQ(sent.form, "grant_type=client_credentials&scope=a%20b");
  EXPECT_EQ(sent.authorization, common::basic_authorization("client", "secret"));
}

TEST_F(ProxyEndpointTest, IdenticalCallersShareOneUpstreamCallAndItsToken) {
  std::vector<std::unique_ptr<Caller>> callers;
  for (int i = 0; i < 5; ++i) callers.push_back(call("grant_type=client_credentials"));
  EXPECT_EQ(upstream.calls.size(), 1u);  // one leader, four joined
  upstream.answer(FakeTransport::response(200, kToken));
  test_support::drain(loop);
  for (const auto& c : callers) {
    ASSERT_EQ(c->answers.size(), 1u);
    EXPECT_EQ(c->answers[0].status, 200);
    EXPECT_EQ(boost::json::parse(c->answers[0].body).at("access_token").as_string(), "upstream-token");
  }
  auto later = call("grant_type=client_credentials");  // from the cache
  EXPECT_EQ(upstream.calls.size(), 1u);
  ASSERT_EQ(later->answers.size(), 1u);
  EXPECT_EQ(later->answers[0].status, 200);
  auto other_scope = call("grant_type=client_credentials&scope=x");  // another key: another call
  EXPECT_EQ(upstream.calls.size(), 2u);
}

TEST_F(ProxyEndpointTest, UpstreamFailuresMapToTheirStatuses) {
  struct Case {
    proxy::UpstreamResult result;
    int status;
  };
  std::vector<Case> cases = {
      {FakeTransport::failure(O::unreachable), 503}, {FakeTransport::failure(O::timeout), 504},
      {FakeTransport::failure(O::broken), 502},      {FakeTransport::failure(O::tls_failed), 502},
      {FakeTransport::response(200, "<html>"), 502}, {FakeTransport::response(500, "oops"), 502},
      {FakeTransport::response(400, R"({"error":"invalid_scope"})"), 400},
  };
  for (const auto& k : cases) {
    auto c = call("grant_type=client_credentials");
    auto joiner = call("grant_type=client_credentials");
    upstream.answer(k.result);
    test_support::drain(loop);
    ASSERT_EQ(c->answers.size(), 1u);
    EXPECT_EQ(c->answers[0].status, k.status) << c->answers[0].body;
    ASSERT_EQ(joiner->answers.size(), 1u);
    EXPECT_EQ(joiner->answers[0].status, k.status);
  }
  EXPECT_EQ(upstream.calls.size(), cases.size());  // errors are never cached
  auto c = call("grant_type=client_credentials");
  upstream.answer(FakeTransport::failure(O::unreachable));
  EXPECT_FALSE(header(c->answers[0], "Retry-After").empty());
}

TEST_F(ProxyEndpointTest, EachCallerGetsTheChallengeOfHowItAuthenticated) {
  auto by_form = call("grant_type=client_credentials");  // leads
  auto by_basic = call("grant_type=client_credentials", common::basic_authorization("client", "secret"));
  ASSERT_EQ(upstream.calls.size(), 1u);
  upstream.answer(FakeTransport::response(401, R"({"error":"invalid_client"})"));
  test_support::drain(loop);
  ASSERT_EQ(by_form->answers.size(), 1u);
  ASSERT_EQ(by_basic->answers.size(), 1u);
  EXPECT_EQ(by_form->answers[0].status, 401);
  EXPECT_EQ(header(by_form->answers[0], "WWW-Authenticate"), "");
  EXPECT_EQ(by_basic->answers[0].status, 401);
  EXPECT_EQ(header(by_basic->answers[0], "WWW-Authenticate"), "Basic realm=\"tokengate\"");

  // And the other way round: the leader used Basic, the joiner did not.
  auto lead_basic = call("grant_type=client_credentials", common::basic_authorization("client", "secret"));
  auto join_form = call("grant_type=client_credentials");
  upstream.answer(FakeTransport::response(401, R"({"error":"invalid_client"})"));
  test_support::drain(loop);
  EXPECT_EQ(header(lead_basic->answers.at(0), "WWW-Authenticate"), "Basic realm=\"tokengate\"");
  EXPECT_EQ(header(join_form->answers.at(0), "WWW-Authenticate"), "");
}

TEST_F(ProxyEndpointTest, ATransportThatThrowsAnswers502AndLeavesNothingInFlight) {
  upstream.throw_on_send = true;
  auto c = call("grant_type=client_credentials");
  ASSERT_EQ(c->answers.size(), 1u);
  EXPECT_EQ(c->answers[0].status, 502);
  upstream.throw_on_send = false;
  auto next = call("grant_type=client_credentials");  // not joined to a call that never started
  EXPECT_EQ(upstream.calls.size(), 1u);
  upstream.answer(FakeTransport::response(200, kToken));
  EXPECT_EQ(next->answers.at(0).status, 200);
}

TEST_F(ProxyEndpointTest, JoinersAreAnsweredOnlyOnTheirOwnLoop) {
  auto lead = call("grant_type=client_credentials");
  auto joiner = call("grant_type=client_credentials");
  upstream.answer(FakeTransport::response(200, kToken));
  EXPECT_EQ(lead->answers.size(), 1u);   // the leader answers in the transport's callback
  EXPECT_EQ(joiner->answers.size(), 0u); // the joiner's answer is posted to its loop
  test_support::drain(loop);
  EXPECT_EQ(joiner->answers.size(), 1u);
}

TEST_F(ProxyEndpointTest, IntrospectionIsForwardedAndItsAnswerChecked) {
  std::vector<http::Response> answers;
  auto respond = [&](http::Response r) { answers.push_back(std::move(r)); };
  oauth::PresentedCredentials creds{"client", "secret", false};
  endpoint.forward_operation(proxy::ProxyEndpoint::Operation::introspect, "https://upstream.test/introspect", loop,
                             creds, "tok en", "access_token", "198.51.100.7", respond);
  ASSERT_EQ(upstream.calls.size(), 1u);
  EXPECT_EQ(upstream.calls[0].request.forwarded_for, "198.51.100.7");  // the upstream's limits see the caller
  EXPECT_EQ(upstream.calls[0].request.url, "https://upstream.test/introspect");
  EXPECT_EQ(upstream.calls[0].request.form, "token=tok%20en&token_type_hint=access_token");
  EXPECT_EQ(upstream.calls[0].request.authorization, common::basic_authorization("client", "secret"));
  upstream.answer(FakeTransport::response(200, R"({"active":true,"client_id":"client","extra":1})"));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 200);
  EXPECT_EQ(answers[0].body, R"({"active":true,"client_id":"client","extra":1})");  // intact

  endpoint.forward_operation(proxy::ProxyEndpoint::Operation::introspect, "https://upstream.test/introspect", loop,
                             creds, "t", "", "198.51.100.7", respond);
  upstream.answer(FakeTransport::response(200, R"({"client_id":"client"})"));  // no boolean active
  EXPECT_EQ(answers.at(1).status, 502);
}

TEST_F(ProxyEndpointTest, ARevocationEvictsTheTokenFromTheCache) {
  auto first = call("grant_type=client_credentials");
  upstream.answer(FakeTransport::response(200, kToken));
  auto cached = call("grant_type=client_credentials");
  EXPECT_EQ(upstream.calls.size(), 1u);  // served from the cache

  std::vector<http::Response> answers;
  endpoint.forward_operation(proxy::ProxyEndpoint::Operation::revoke, "https://upstream.test/revoke", loop,
                             {"client", "secret", false}, "upstream-token", "", "198.51.100.7",
                             [&](http::Response r) { answers.push_back(std::move(r)); });
  upstream.answer(FakeTransport::response(200, ""));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 200);
  EXPECT_EQ(cache.size(), 0u);
  call("grant_type=client_credentials");  // asks the upstream again: never the revoked token
  EXPECT_EQ(upstream.calls.size(), 3u);
}

}  // namespace
