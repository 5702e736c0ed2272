#include "http/router.hpp"

#include <gtest/gtest.h>

using namespace tokengate::http;

TEST(Router, RoutesByMethodAndPath) {
  Router router;
  router.add("GET", "/a", [](const Request&) { Response r; r.body = "a"; return r; });
  router.add("POST", "/a", [](const Request&) { Response r; r.body = "post"; return r; });
  Request req;
  req.method = "GET";
  req.path = "/a";
  EXPECT_EQ(router.route(req).body, "a");
  req.method = "POST";
  EXPECT_EQ(router.route(req).body, "post");
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  router.add("POST", "/token", [](const Request&) { return Response{}; });
  Request req;
  req.method = "GET";
  req.path = "/token";
  auto r = router.route(req);
  EXPECT_EQ(r.status, 405);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Allow");
  EXPECT_EQ(r.headers[0].second, "POST");
  req.path = "/nope";
  r = router.route(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("\"error\":\"not_found\""), std::string::npos);
}
