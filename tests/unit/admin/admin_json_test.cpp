// How clients, keys and audit entries look in JSON (the CLI's --json and the admin API): never a
// secret, never a private key, times in RFC 3339.
#include "admin/admin_json.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "common/secret_digest.hpp"
#include "issuer/key_rotation.hpp"

using namespace tokengate;

TEST(AdminJson, AClientNeverShowsItsSecretDigest) {
  store::ClientRecord c;
  c.id = "id-1";
  c.name = "one";
  c.secret_digest = common::digest_secret("s3cret");
  c.scopes = {"read", "write"};
  auto json = admin::client_json(c);
  auto text = boost::json::serialize(json);
  EXPECT_FALSE(json.contains("client_secret")) << text;
  EXPECT_EQ(text.find("digest"), std::string::npos) << text;
  EXPECT_EQ(text.find("sha256"), std::string::npos) << text;
  // RFC 7591's name of how it authenticates is all that says "secret".
  EXPECT_EQ(json.at("token_endpoint_auth_method"), "client_secret_basic") << text;
  EXPECT_NE(text.find("\"scope\":\"read write\""), std::string::npos) << text;
}

TEST(AdminJson, AKeySaysWhatItDoesNowAndNeverItsPrivateHalf) {
  auto key = issuer::generate_key_record(jose::Algorithm::ES256, 1000, 1600);
  EXPECT_STREQ(admin::key_status(key, 1200), "pending");
  EXPECT_STREQ(admin::key_status(key, 1600), "active");
  key.retired_at = 2000;
  EXPECT_STREQ(admin::key_status(key, 2000), "retired");
  key.withdrawn_at = 2500;
  EXPECT_STREQ(admin::key_status(key, 2500), "withdrawn");
  auto text = boost::json::serialize(admin::key_json(key, 2500));
  EXPECT_EQ(text.find("PRIVATE"), std::string::npos) << text;
}

TEST(AdminJson, TimesAreRfc3339InUtc) {
  EXPECT_EQ(admin::rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(admin::rfc3339(1795611600), "2026-11-25T13:00:00Z");
  store::AuditRecord e;
  e.at = 1795611600;
  e.actor = "cli";
  e.action = "client.create";
  e.detail = R"({"name":"x"})";
  auto o = admin::audit_json(e);
  EXPECT_EQ(o.at("time"), "2026-11-25T13:00:00Z");
  EXPECT_TRUE(o.at("detail").is_object());
}
