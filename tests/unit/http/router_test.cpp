#include "http/router.hpp"

#include <gtest/gtest.h>

using namespace tokengate::http;

namespace {

Response route(const Router& router, std::string_view method, std::string_view path) {
  Request req;
  req.method = method;
  req.path = path;
  Response out;
  int calls = 0;
  router.route(req, [&](Response r) {
    out = std::move(r);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
  return out;
}

TEST(Router, RoutesByMethodAndPath) {
  Router router;
  router.add("GET", "/a", [](const Request&) { Response r; r.body = "a"; return r; });
  router.add("POST", "/a", [](const Request&) { Response r; r.body = "post"; return r; });
  EXPECT_EQ(route(router, "GET", "/a").body, "a");
  EXPECT_EQ(route(router, "POST", "/a").body, "post");
  EXPECT_EQ(route(router, "HEAD", "/a").body, "a");  // the session drops the body
}

TEST(Router, AsyncHandlersAnswerThroughTheCallback) {
  Router router;
  Respond saved;
  router.add_async("POST", "/later", [&](const Request&, Respond respond) { saved = std::move(respond); });
  Request req;
  req.method = "POST";
  req.path = "/later";
  int status = 0;
  router.route(req, [&](Response r) { status = r.status; });
  EXPECT_EQ(status, 0);  // not answered yet
  Response r;
  r.status = 202;
  saved(std::move(r));
  EXPECT_EQ(status, 202);
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  router.add("POST", "/token", [](const Request&) { return Response{}; });
  auto r = route(router, "GET", "/token");
  EXPECT_EQ(r.status, 405);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Allow");
  EXPECT_EQ(r.headers[0].second, "POST");
  r = route(router, "GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("\"error\":\"not_found\""), std::string::npos);
}

}  // namespace
