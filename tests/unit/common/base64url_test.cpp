#include "common/base64url.hpp"

#include <gtest/gtest.h>

using namespace tokengate::common;

TEST(Base64Url, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Base64Url, RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= bytes.size(); n += 7) {
    auto text = base64url_encode(bytes.substr(0, n));
    auto back = base64url_decode(text);
    ASSERT_TRUE(back.has_value()) << n;
    EXPECT_EQ(*back, bytes.substr(0, n));
  }
}

TEST(Base64Url, RejectsMalformedInput) {
  EXPECT_FALSE(base64url_decode("Zm9v=").has_value());  // padding is not base64url
  EXPECT_FALSE(base64url_decode("Zm+v").has_value());   // standard alphabet
  EXPECT_FALSE(base64url_decode("Z").has_value());      // impossible length
  EXPECT_FALSE(base64url_decode("Zh").has_value());     // non-zero trailing bits
}

TEST(Base64, DecodesStandardPaddedAndRejectsOthers) {
  EXPECT_EQ(base64_decode("Zm9vYg==").value(), "foob");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_decode("+/8=").value(), "\xfb\xff");
  EXPECT_FALSE(base64_decode("Zm9vYg").has_value());   // padding required
  EXPECT_FALSE(base64_decode("Zm9v YQ==").has_value());
  EXPECT_FALSE(base64_decode("-_8=").has_value());     // url alphabet
  EXPECT_FALSE(base64_decode("Zg=a").has_value());
}
