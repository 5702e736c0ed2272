#include "oauth/scope.hpp"

#include <gtest/gtest.h>

using namespace tokengate::oauth;

TEST(Scope, NoRequestGrantsEverythingAllowed) {
  std::string error;
  EXPECT_EQ(grant_scope(std::nullopt, {"read", "write"}, error).value(), "read write");
}

TEST(Scope, GrantsASubsetWithoutDuplicates) {
  std::string error;
  EXPECT_EQ(grant_scope("write read write", {"read", "write", "admin"}, error).value(), "write read");
}

TEST(Scope, RefusesScopesNotAllowed) {
  std::string error;
  EXPECT_FALSE(grant_scope("read admin", {"read"}, error));
  EXPECT_NE(error.find("'admin'"), std::string::npos);
}

TEST(Scope, RefusesMalformedTokens) {
  std::string error;
  EXPECT_FALSE(grant_scope("re\"ad", {"re\"ad"}, error));
  EXPECT_FALSE(is_valid_scope_token("a\\b"));
  EXPECT_FALSE(is_valid_scope_token(""));
  EXPECT_TRUE(is_valid_scope_token("cells:read"));
}
