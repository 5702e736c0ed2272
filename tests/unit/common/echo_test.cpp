// Client input quoted in errors: always valid UTF-8, never long.
#include "common/echo.hpp"

#include <gtest/gtest.h>

using tokengate::common::safe_echo;
using tokengate::common::valid_utf8;

namespace {

TEST(Echo, KeepsValidTextAndReplacesInvalidBytes) {
  EXPECT_EQ(safe_echo("client_credentials"), "client_credentials");
  EXPECT_EQ(safe_echo("caf\xC3\xA9"), "caf\xC3\xA9");                     // é stays
  EXPECT_EQ(safe_echo("a\xFF" "b"), "a\xEF\xBF\xBD" "b");                  // a lone byte: U+FFFD
  EXPECT_EQ(safe_echo("\xC3"), "\xEF\xBF\xBD");                            // a cut sequence
  EXPECT_EQ(safe_echo("\xE0\x80\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(safe_echo("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(safe_echo("a\nb\x7F"), "a?b?");                                // control characters
}

TEST(Echo, CutsLongInput) {
  std::string long_input(10000, 'x');
  std::string out = safe_echo(long_input, 48);
  EXPECT_EQ(out, std::string(48, 'x') + "\xE2\x80\xA6");
  EXPECT_EQ(valid_utf8(long_input), long_input);  // valid_utf8 never cuts
  EXPECT_EQ(valid_utf8("ok \xF5"), "ok \xEF\xBF\xBD");
}

}  // namespace
