#include "oauth/basic_credentials.hpp"

#include <gtest/gtest.h>

#include "common/base64url.hpp"

using namespace tokengate::oauth;

TEST(BasicCredentials, ParsesAndFormDecodes) {
  BasicCredentials c;
  std::string error;
  auto header = "Basic " + tokengate::common::base64_encode("my%20id:s%3Acret+x");
  ASSERT_EQ(parse_basic_authorization(header, c, error), BasicParse::ok) << error;
  EXPECT_EQ(c.id, "my id");
  EXPECT_EQ(c.secret, "s:cret x");
}

TEST(BasicCredentials, SchemeIsCaseInsensitive) {
  BasicCredentials c;
  std::string error;
  EXPECT_EQ(parse_basic_authorization("bAsIc " + tokengate::common::base64_encode("a:b"), c, error), BasicParse::ok);
}

TEST(BasicCredentials, OtherSchemesAreNotBasic) {
  BasicCredentials c;
  std::string error;
  EXPECT_EQ(parse_basic_authorization("Bearer abc", c, error), BasicParse::not_basic);
  EXPECT_EQ(parse_basic_authorization("Basically abc", c, error), BasicParse::not_basic);
}

TEST(BasicCredentials, RejectsMalformedValues) {
  BasicCredentials c;
  std::string error;
  EXPECT_EQ(parse_basic_authorization("Basic", c, error), BasicParse::malformed);
  EXPECT_EQ(parse_basic_authorization("Basic !!!!", c, error), BasicParse::malformed);
  EXPECT_EQ(parse_basic_authorization("Basic " + tokengate::common::base64_encode("nocolon"), c, error),
            BasicParse::malformed);
  EXPECT_NE(error.find("':'"), std::string::npos);
  EXPECT_EQ(parse_basic_authorization("Basic " + tokengate::common::base64_encode("a%zz:b"), c, error),
            BasicParse::malformed);
}
