#include "common/duration.hpp"

#include <gtest/gtest.h>

using tokengate::common::parse_duration;

TEST(Duration, SecondsOrACountWithAUnit) {
  EXPECT_EQ(parse_duration("3600"), 3600);
  EXPECT_EQ(parse_duration("90s"), 90);
  EXPECT_EQ(parse_duration("30m"), 1800);
  EXPECT_EQ(parse_duration("24h"), 86400);
  EXPECT_EQ(parse_duration("7d"), 7 * 86400);
  for (const char* bad : {"", "h", "-5m", "1.5h", "5w", "10 m", "99999999999999d", "5mm"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}
