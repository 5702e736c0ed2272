// When a verifier may answer from the keys it holds, and when it must fetch them (the refetch
// throttle that keeps a flood of forged kids from becoming a flood of JWKS fetches).
#include "client/key_refresh_policy.hpp"

#include <gtest/gtest.h>

namespace tokengate::client {
namespace {

using namespace std::chrono_literals;
using Action = KeyRefreshPolicy::Action;

class KeyRefreshPolicyTest : public ::testing::Test {
 protected:
  KeyRefreshPolicy policy{.max_age = 300s, .unknown_kid_interval = 5s};
  KeyRefreshPolicy::Clock::time_point t0 = KeyRefreshPolicy::Clock::now();
  KeyRefreshPolicy::Cache fetched_at(KeyRefreshPolicy::Clock::time_point when) const {
    return {.fetched_once = true, .fetched_at = when, .fetching = false};
  }
};

TEST_F(KeyRefreshPolicyTest, NothingFetchedYetMeansFetch) {
  EXPECT_EQ(policy.decide({}, false, t0), Action::wait_for_fetch);
  EXPECT_EQ(policy.decide({}, true, t0), Action::wait_for_fetch);
}

TEST_F(KeyRefreshPolicyTest, AKnownKidIsAnsweredUntilTheKeysAreOlderThanMaxAge) {
  auto cache = fetched_at(t0);
  EXPECT_EQ(policy.decide(cache, true, t0 + 1s), Action::answer_now);
  EXPECT_EQ(policy.decide(cache, true, t0 + 300s), Action::answer_now);
  EXPECT_EQ(policy.decide(cache, true, t0 + 301s), Action::wait_for_fetch);
}

TEST_F(KeyRefreshPolicyTest, AnUnknownKidRefetchesAtMostOncePerInterval) {
  auto cache = fetched_at(t0);
  // Within the interval of the last fetch the keys held are the answer (the kid stays unknown).
  EXPECT_EQ(policy.decide(cache, false, t0 + 1s), Action::answer_now);
  EXPECT_EQ(policy.decide(cache, false, t0 + 5s), Action::answer_now);
  // After it, one fetch: the issuer may have rotated.
  EXPECT_EQ(policy.decide(cache, false, t0 + 6s), Action::wait_for_fetch);
  // That fetch ends: the interval starts again.
  auto again = fetched_at(t0 + 6s);
  EXPECT_EQ(policy.decide(again, false, t0 + 7s), Action::answer_now);
}

TEST_F(KeyRefreshPolicyTest, WhileAFetchIsUnderWayAnUnknownKidWaitsForIt) {
  auto cache = fetched_at(t0);
  cache.fetching = true;
  EXPECT_EQ(policy.decide(cache, false, t0 + 1s), Action::wait_for_fetch);
  EXPECT_EQ(policy.decide(cache, true, t0 + 1s), Action::answer_now);
}

}  // namespace
}  // namespace tokengate::client
