#include "proxy/upstream_result.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

using namespace tokengate::proxy;
using O = UpstreamResult::Outcome;

namespace {

UpstreamResult response(int status, std::string body) {
  UpstreamResult r;
  r.outcome = O::response;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string header(const tokengate::http::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

TEST(UpstreamResult, ValidTokenResponsePassesIntactAndIsCacheable) {
  std::string body = R"({"access_token":"abc","token_type":"Bearer","expires_in":600,"custom":[1,2]})";
  auto a = answer_for(response(200, body), false, Clock::now());
  EXPECT_EQ(a.response.status, 200);
  EXPECT_EQ(a.response.body, body);
  EXPECT_TRUE(a.response.no_store);
  EXPECT_NE(a.cacheable, nullptr);
  auto no_expiry = answer_for(response(200, R"({"access_token":"abc","token_type":"Bearer"})"), false, Clock::now());
  EXPECT_EQ(no_expiry.response.status, 200);
  EXPECT_EQ(no_expiry.cacheable, nullptr);  // unknown lifetime: not cached
}

TEST(UpstreamResult, InvalidTokenResponsesAre502) {
  for (const char* body : {"not json", "[]", R"({"token_type":"Bearer"})", R"({"access_token":"","token_type":"Bearer"})",
                           R"({"access_token":1,"token_type":"Bearer"})", R"({"access_token":"a"})",
                           R"({"access_token":"a","token_type":"Bearer","expires_in":"60"})",
                           R"({"access_token":"a","token_type":"Bearer","expires_in":-1})",
                           R"({"access_token":"a","token_type":"Bearer","scope":5})"}) {
    auto a = answer_for(response(200, body), false, Clock::now());
    EXPECT_EQ(a.response.status, 502) << body;
    EXPECT_EQ(a.cacheable, nullptr);
  }
}

TEST(UpstreamResult, ClientErrorsKeepTheirFieldsAndGainCodeAndMessage) {
  auto a = answer_for(response(400, R"({"error":"invalid_scope","trace":"t1"})"), false, Clock::now());
  EXPECT_EQ(a.response.status, 400);
  auto o = boost::json::parse(a.response.body).as_object();
  EXPECT_EQ(o.at("error").as_string(), "invalid_scope");
  EXPECT_EQ(o.at("trace").as_string(), "t1");
  EXPECT_EQ(o.at("code").as_int64(), 400);
  EXPECT_FALSE(o.at("message").as_string().empty());

  auto basic = answer_for(response(401, "<html>no</html>"), true, Clock::now());
  EXPECT_EQ(basic.response.status, 401);
  EXPECT_EQ(boost::json::parse(basic.response.body).as_object().at("error").as_string(), "invalid_client");
  EXPECT_EQ(header(basic.response, "WWW-Authenticate"), "Basic realm=\"tokengate\"");
}

TEST(UpstreamResult, FailuresMapToTheGatewayStatuses) {
  auto now = Clock::now();
  UpstreamResult unreachable;
  unreachable.outcome = O::unreachable;
  unreachable.detail = "Connection refused";
  auto a = answer_for(unreachable, false, now);
  EXPECT_EQ(a.response.status, 503);
  EXPECT_EQ(header(a.response, "Retry-After"), "1");

  UpstreamResult timeout;
  timeout.outcome = O::timeout;
  EXPECT_EQ(answer_for(timeout, false, now).response.status, 504);
  UpstreamResult broken;
  broken.outcome = O::broken;
  EXPECT_EQ(answer_for(broken, false, now).response.status, 502);
  EXPECT_EQ(answer_for(response(500, "{}"), false, now).response.status, 502);
  auto busy = response(503, "");
  busy.retry_after = "30";
  EXPECT_EQ(header(answer_for(busy, false, now).response, "Retry-After"), "30");
  UpstreamResult open;
  open.outcome = O::circuit_open;
  open.wait = std::chrono::milliseconds(2500);
  EXPECT_EQ(header(answer_for(open, false, now).response, "Retry-After"), "3");
}

TEST(UpstreamResult, RetriesOnlyWhereSafe) {
  UpstreamResult unreachable;
  unreachable.outcome = O::unreachable;
  EXPECT_TRUE(is_retryable(unreachable));
  EXPECT_TRUE(is_retryable(response(503, "")));
  EXPECT_TRUE(is_retryable(response(502, "")));
  EXPECT_FALSE(is_retryable(response(500, "")));
  EXPECT_FALSE(is_retryable(response(401, "")));
  UpstreamResult broken;
  broken.outcome = O::broken;
  EXPECT_FALSE(is_retryable(broken));
  EXPECT_FALSE(is_upstream_failure(response(401, "")));
  EXPECT_TRUE(is_upstream_failure(response(500, "")));
}

}  // namespace

namespace {

TEST(UpstreamResult, ExpiresInOutOfRangeIs502NotACrash) {
  for (const char* body : {R"({"access_token":"a","token_type":"Bearer","expires_in":9223372036854775808})",
                           R"({"access_token":"a","token_type":"Bearer","expires_in":18446744073709551615})",
                           R"({"access_token":"a","token_type":"Bearer","expires_in":1e300})"}) {
    EXPECT_EQ(answer_for(response(200, body), false, Clock::now()).response.status, 502) << body;
  }
  auto decade = answer_for(response(200, R"({"access_token":"a","token_type":"Bearer","expires_in":300000000})"),
                           false, Clock::now());
  EXPECT_EQ(decade.response.status, 200);
  ASSERT_NE(decade.cacheable, nullptr);
  EXPECT_LE(decade.cacheable->expires_at - Clock::now(), std::chrono::hours(25));  // cached a day at most
}

}  // namespace
