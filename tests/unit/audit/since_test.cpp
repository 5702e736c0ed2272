#include "audit/since.hpp"

#include <gtest/gtest.h>

using tokengate::audit::parse_since;

TEST(Since, TakesUnixSecondsDatesTimesAndAges) {
  const int64_t now = 1795564800;  // 2026-11-25T00:00:00Z
  EXPECT_EQ(parse_since("1764072000", now), 1764072000);
  EXPECT_EQ(parse_since("2026-11-25", now), 1795564800);
  EXPECT_EQ(parse_since("2026-11-25T13:00:00Z", now), 1795564800 + 13 * 3600);
  EXPECT_EQ(parse_since("90s", now), now - 90);
  EXPECT_EQ(parse_since("30m", now), now - 1800);
  EXPECT_EQ(parse_since("24h", now), now - 86400);
  EXPECT_EQ(parse_since("7d", now), now - 7 * 86400);
}

TEST(Since, RefusesWhatIsNoneOfThem) {
  const int64_t now = 1795564800;
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-31", "2026-11-25T25:00:00Z", "2026-11-25 13:00",
                          "-5", "5w", "h", "99999999999999d", "1e9", "2026-11-25T13:00:00+01:00"}) {
    EXPECT_FALSE(parse_since(bad, now)) << bad;
  }
}
