#include "oauth/form.hpp"

#include <gtest/gtest.h>

using tokengate::oauth::FormParams;

TEST(FormParams, DecodesPercentAndPlus) {
  std::string error;
  auto form = FormParams::parse("grant_type=client_credentials&scope=read+write&x=a%2Bb%20c", error);
  ASSERT_TRUE(form) << error;
  EXPECT_EQ(form->get("grant_type").value(), "client_credentials");
  EXPECT_EQ(form->get("scope").value(), "read write");
  EXPECT_EQ(form->get("x").value(), "a+b c");
  EXPECT_FALSE(form->get("missing"));
}

TEST(FormParams, EmptyValueCountsAsAbsent) {  // RFC 6749 §3.1
  std::string error;
  auto form = FormParams::parse("scope=&grant_type", error);
  ASSERT_TRUE(form);
  EXPECT_FALSE(form->has("scope"));
  EXPECT_FALSE(form->has("grant_type"));
}

TEST(FormParams, RejectsRepeatedParameters) {  // RFC 6749 §3.2
  std::string error;
  EXPECT_FALSE(FormParams::parse("scope=a&scope=b", error));
  EXPECT_NE(error.find("'scope' is repeated"), std::string::npos);
}

TEST(FormParams, RejectsMalformedPercentEncoding) {
  std::string error;
  EXPECT_FALSE(FormParams::parse("a=%zz", error));
  EXPECT_FALSE(FormParams::parse("a=%4", error));
  EXPECT_NE(error.find("percent-encoding"), std::string::npos);
}

TEST(FormParams, EmptyInputHasNoParameters) {
  std::string error;
  auto form = FormParams::parse("", error);
  ASSERT_TRUE(form);
  EXPECT_FALSE(form->has(""));
}

TEST(FormParams, StopsAtTheEndOfAViewIntoALargerBuffer) {
  // The query of a request target is a view into the connection's buffer, not NUL-terminated.
  std::string buffer = "ClientId=abc&ClientSecret=s3cret HTTP/1.1\r\nHost: x\r\n";
  std::string_view query = std::string_view(buffer).substr(0, buffer.find(' '));
  std::string error;
  auto form = FormParams::parse(query, error);
  ASSERT_TRUE(form) << error;
  EXPECT_EQ(form->get("ClientSecret").value(), "s3cret");
}
