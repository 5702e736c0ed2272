// The Cells Cloud status routes' answers: what the SDKs' getAsposeCellsCloudStatus and
// checkCloudServiceHealth read, and the 501 for the rest of the Cells API.
#include "cells/status.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

using namespace tokengate;

namespace {
boost::json::object parsed(const http::Response& r) { return boost::json::parse(r.body).as_object(); }
}  // namespace

TEST(CellsStatus, NamesTheServiceItsModeAndTheCaller) {
  observe::HealthReport ok;
  auto r = cells::service_status(ok, "issuer", boost::json::object{{"client_id", "c-1"}, {"scope", "read"}});
  EXPECT_EQ(r.status, 200);
  auto o = parsed(r);
  EXPECT_EQ(o.at("status"), "running");
  EXPECT_EQ(o.at("mode"), "issuer");
  EXPECT_EQ(o.at("client_id"), "c-1");
  EXPECT_FALSE(o.contains("scope")) << "only what the caller needs";
  observe::HealthReport bad{false, {}};
  EXPECT_EQ(parsed(cells::service_status(bad, "proxy", {})).at("status"), "degraded");
}

TEST(CellsStatus, TheHealthCheckIs503WhileSomethingTokensDependOnIsDown) {
  observe::HealthReport ok{true, {{"store", "ok"}}};
  auto good = cells::health_check(ok, "issuer");
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(parsed(good).at("checks").as_object().at("store"), "ok");
  observe::HealthReport down{false, {{"store", "unreachable"}}};
  auto bad = cells::health_check(down, "issuer");
  EXPECT_EQ(bad.status, 503);
  EXPECT_EQ(parsed(bad).at("status"), "unhealthy");
}

TEST(CellsStatus, TheRestOfTheCellsApiIs501AndEchoesNothingUnsafe) {
  http::Request r;
  r.method = "PUT";
  r.path = "/v4.0/cells/book.xlsx/worksheets\x1b[31m";
  auto a = cells::not_implemented(r);
  EXPECT_EQ(a.status, 501);
  auto o = parsed(a);
  EXPECT_EQ(o.at("error"), "not_implemented");
  std::string said(o.at("error_description").as_string());
  EXPECT_NE(said.find("PUT /v4.0/cells/book.xlsx/worksheets"), std::string::npos) << said;
  EXPECT_EQ(said.find('\x1b'), std::string::npos) << "no control character is echoed";
}
