// The OpenAPI documents served at /openapi.json and /admin/v1/openapi.json describe every route
// each listener answers, and nothing it does not: the routes are registered here exactly as
// `tokengate serve` registers them, and compared with the documents built into the binary.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "admin/admin_api.hpp"
#include "admin/admin_listener.hpp"
#include "front/routes.hpp"
#include "issuer/issuer_mode.hpp"
#include "support/temp_store.hpp"
#include "web/assets.hpp"
#include "web/pages.hpp"

using namespace tokengate;

namespace {

class OpenApiCoverageTest : public test_support::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    store_ = open();
    watcher_ = std::make_unique<store::StoreWatcher>(*store_, [] { return int64_t{0}; });
    mode_ = std::make_unique<issuer::IssuerMode>(state_, *watcher_, *store_);
    routes_ = std::make_unique<front::Routes>(*mode_, front::ClientGate{});
    admin_ = std::make_unique<admin::AdminApi>(*store_, mode_->token_verifier(), admin::AdminSettings{}, [] {});
  }

  static boost::json::object document(std::string_view asset) {
    const web::Asset* a = web::find_asset(asset);
    EXPECT_NE(a, nullptr);
    return boost::json::parse(a->body).as_object().at("paths").as_object();
  }

  // Every route the router answers is in `paths`, and every operation in `paths` is answered.
  static void expect_same(const http::Router& router, const boost::json::object& paths, std::string_view name) {
    auto routes = router.list();
    for (const auto& [method, path] : routes) {
      if (method == "*") {  // a prefix: "/v4.0/cells/*" is documented as /v4.0/cells/{operation}
        std::string prefix = path.substr(0, path.size() - 1);
        bool documented = false;
        for (const auto& p : paths) documented = documented || p.key().starts_with(prefix + "{");
        EXPECT_TRUE(documented) << name << " documents nothing under " << path;
        continue;
      }
      std::string lower;
      for (char c : method) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto it = paths.find(path);
      EXPECT_TRUE(it != paths.end() && it->value().as_object().contains(lower))
          << name << " does not document " << method << " " << path;
    }
    for (const auto& p : paths) {
      std::string path(p.key());
      size_t brace = path.find('{');
      for (const auto& op : p.value().as_object()) {
        std::string method(op.key());
        if (method == "parameters" || method == "summary" || method == "description") continue;
        for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        bool answered = false;
        for (const auto& [m, r] : routes) {
          bool under_prefix = m == "*" && path.starts_with(r.substr(0, r.size() - 1));
          if (brace == std::string::npos) answered = answered || (r == path && m == method) || under_prefix;
          else answered = answered || under_prefix;
        }
        EXPECT_TRUE(answered) << name << " documents " << method << " " << path << ", which is not a route";
      }
    }
  }

  issuer::IssuerState state_{{"https://issuer.test", "https://api.test", 600}};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::StoreWatcher> watcher_;
  std::unique_ptr<issuer::IssuerMode> mode_;
  std::unique_ptr<front::Routes> routes_;
  std::unique_ptr<admin::AdminApi> admin_;
};

TEST_F(OpenApiCoverageTest, ThePublicDocumentDescribesThePublicListener) {
  http::Router router;
  routes_->add_to(router);
  web::add_public_pages(router);
  expect_same(router, document("openapi/public.json"), "openapi/public.json");
}

TEST_F(OpenApiCoverageTest, TheAdminDocumentDescribesTheAdminListener) {
  http::Router router;
  admin_->add_to(router);
  routes_->add_token_route(router);
  admin::add_metrics_route(router);
  web::add_admin_pages(router);
  expect_same(router, document("openapi/admin.json"), "openapi/admin.json");
}

TEST_F(OpenApiCoverageTest, ThePublicListenerServesNoAdminRouteNorMetrics) {
  http::Router router;
  routes_->add_to(router);
  web::add_public_pages(router);
  for (const auto& [method, path] : router.list()) {
    EXPECT_FALSE(path.starts_with("/admin")) << path;
    EXPECT_NE(path, "/metrics");
    EXPECT_NE(path, "/console");
  }
}

}  // namespace
