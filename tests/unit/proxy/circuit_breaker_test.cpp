#include "proxy/circuit_breaker.hpp"

#include <gtest/gtest.h>

using namespace tokengate::proxy;
using namespace std::chrono_literals;

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresAndProbesAfterTheCooldown) {
  CircuitBreaker b(3, 1000ms);
  auto t = CircuitBreaker::Clock::now();
  std::chrono::milliseconds wait{};
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.allow(t, wait));
    b.record_failure(t);
  }
  b.record_success();  // resets the count
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(b.allow(t, wait));
    b.record_failure(t);
  }
  EXPECT_EQ(b.state(t), CircuitBreaker::State::open);
  EXPECT_FALSE(b.allow(t + 400ms, wait));
  EXPECT_EQ(wait, 600ms);

  // Half-open: exactly one probe.
  EXPECT_EQ(b.state(t + 1000ms), CircuitBreaker::State::half_open);
  EXPECT_TRUE(b.allow(t + 1000ms, wait));
  EXPECT_FALSE(b.allow(t + 1001ms, wait));
  b.record_failure(t + 1100ms);  // the probe failed: open again
  EXPECT_FALSE(b.allow(t + 1500ms, wait));
  EXPECT_TRUE(b.allow(t + 2100ms, wait));
  b.record_success();
  EXPECT_EQ(b.state(t + 2100ms), CircuitBreaker::State::closed);
  EXPECT_TRUE(b.allow(t + 2100ms, wait));
}

TEST(CircuitBreaker, AProbeThatNeverReachedTheUpstreamLetsTheNextCallerProbe) {
  CircuitBreaker b(1, 1000ms);
  auto t = CircuitBreaker::Clock::now();
  std::chrono::milliseconds wait{};
  ASSERT_TRUE(b.allow(t, wait));
  b.record_failure(t);
  ASSERT_TRUE(b.allow(t + 1000ms, wait));   // the probe
  EXPECT_FALSE(b.allow(t + 1001ms, wait));  // only one at a time
  b.release_probe();                        // it never got a connection
  EXPECT_TRUE(b.allow(t + 1002ms, wait));
  EXPECT_EQ(b.state(t + 1002ms), CircuitBreaker::State::half_open);
}
