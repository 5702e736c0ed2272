#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace tokengate::config;

namespace {

std::string write_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

TEST(Config, DefaultsAreTheDesignDefaults) {
  Config c = load("", {});
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
  EXPECT_EQ(c.data_dir, "./tokengate-data");
  EXPECT_EQ(c.token_ttl, 3600);
  EXPECT_EQ(c.cells_token_ttl, 86400) << "the Aspose SDKs renew after 86,300 s";
  EXPECT_EQ(c.signing_alg, "ES256");
  EXPECT_EQ(c.admin_host, "127.0.0.1");
  EXPECT_EQ(c.admin_port, 8081);
  EXPECT_EQ(c.log_format, "text");
  EXPECT_EQ(c.audit_retention, 90);
  EXPECT_TRUE(load("", {{"admin_listen", "none"}}).admin_host.empty());
}

TEST(Config, FlagBeatsEnvBeatsFile) {
  auto file = write_file("precedence", "token_ttl = 100\nlisten = \"127.0.0.1:1000\"\nissuer = \"https://f.test/\"\n");
  ::setenv("TOKENGATE_TOKEN_TTL", "200", 1);
  ::setenv("TOKENGATE_LISTEN", "127.0.0.1:2000", 1);
  Config c = load(file, {{"listen", "127.0.0.1:3000"}});
  ::unsetenv("TOKENGATE_TOKEN_TTL");
  ::unsetenv("TOKENGATE_LISTEN");
  EXPECT_EQ(c.token_ttl, 200);        // env over file
  EXPECT_EQ(c.listen_port, 3000);     // flag over env
  EXPECT_EQ(c.issuer, "https://f.test");  // file over default; trailing slash dropped
  std::filesystem::remove(file);
}

TEST(Config, ErrorsNameTheKey) {
  auto expect_error = [](const std::string& file, std::map<std::string, std::string> flags, const std::string& key) {
    try {
      load(file, flags);
      ADD_FAILURE() << "no error for " << key;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  };
  expect_error("", {{"token_ttl", "abc"}}, "token_ttl");
  expect_error("", {{"token_ttl", "0"}}, "token_ttl");
  expect_error("", {{"cells_token_ttl", "0"}}, "cells_token_ttl");
  expect_error("", {{"cells_token_ttl", "2678401"}}, "31 days");
  expect_error("", {{"listen", "nowhere"}}, "listen");
  expect_error("", {{"listen", "localhost:8080"}}, "listen");
  EXPECT_EQ(load("", {{"listen", "[::1]:0"}}).listen_host, "::1");
  expect_error("", {{"signing_alg", "HS256"}}, "signing_alg");
  expect_error("", {{"issuer", "ftp://x"}}, "issuer");
  expect_error("", {{"access_log", "maybe"}}, "access_log");
  expect_error("", {{"upstream_token_url", "https://u:p@auth.test/token"}}, "upstream_token_url");
  expect_error("", {{"upstream_retries", "3"}}, "upstream_retries");
  expect_error("", {{"upstream_auth", "jwt"}}, "upstream_auth");
  expect_error("", {{"rate_limit", "client=0.5"}}, "rate_limit");  // a bucket that never holds a whole grant
  expect_error("", {{"admin_listen", "localhost:8081"}}, "admin_listen");
  expect_error("", {{"admin_listen", "127.0.0.1"}}, "admin_listen");
  expect_error("", {{"log_format", "xml"}}, "log_format");
  expect_error("", {{"audit_retention", "0"}}, "audit_retention");
  auto unknown = write_file("unknown", "no_such_key = 1\n");
  expect_error(unknown, {}, "no_such_key");
  auto wrong_type = write_file("type", "token_ttl = \"long\"\n");
  expect_error(wrong_type, {}, "token_ttl");
  auto broken = write_file("broken", "listen = \n");
  expect_error(broken, {}, "line 1");
  expect_error("/nonexistent/tokengate.toml", {}, "/nonexistent/tokengate.toml");
  for (const auto& f : {unknown, wrong_type, broken}) std::filesystem::remove(f);
}

}  // namespace
