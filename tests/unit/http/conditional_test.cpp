#include "http/conditional.hpp"

#include <gtest/gtest.h>

TEST(Conditional, IfNoneMatchUsesTheWeakComparisonOverAList) {
  using tokengate::http::etag_matches;
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"abc\"", "W/\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", W/\"abc\" ,\"y\"", "\"abc\""));
  EXPECT_TRUE(etag_matches(" * ", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("abc", "\"abc\""));
  EXPECT_FALSE(etag_matches(",,", "\"abc\""));
}
