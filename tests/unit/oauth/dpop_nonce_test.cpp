#include "oauth/dpop_nonce.hpp"

#include <gtest/gtest.h>

namespace tokengate::oauth {
namespace {

const std::string kKey(32, 'k');

TEST(DpopNonces, GoodInTheirWindowAndTheNextOnly) {
  DpopNonces nonces(kKey);
  int64_t t = 1'800'000'000;  // a window starts here (divisible by 60)
  std::string n = nonces.current(t);
  EXPECT_TRUE(nonces.valid(n, t));
  EXPECT_TRUE(nonces.valid(n, t + 59));
  EXPECT_FALSE(nonces.stale(n, t + 59));
  EXPECT_TRUE(nonces.valid(n, t + 60)) << "the next window still takes it";
  EXPECT_TRUE(nonces.stale(n, t + 60)) << "and tells the client the next one";
  EXPECT_NE(nonces.current(t + 60), n);
  EXPECT_FALSE(nonces.valid(n, t + 120));
  EXPECT_FALSE(nonces.valid(nonces.current(t + 60), t)) << "a nonce from the future";
}

TEST(DpopNonces, EveryNodeWithTheKeyTakesThemAndNoOtherKeyDoes) {
  DpopNonces node1(kKey), node2(kKey), elsewhere(std::string(32, 'x'));
  int64_t t = 1'800'000'030;
  EXPECT_TRUE(node2.valid(node1.current(t), t));
  EXPECT_FALSE(elsewhere.valid(node1.current(t), t));
}

TEST(DpopNonces, RefusesForgedAndMalformedOnes) {
  DpopNonces nonces(kKey);
  int64_t t = 1'800'000'000;
  std::string n = nonces.current(t);
  std::string flipped = n;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(nonces.valid(flipped, t));
  EXPECT_FALSE(nonces.valid("", t));
  EXPECT_FALSE(nonces.valid("not base64url!", t));
  EXPECT_FALSE(nonces.valid(n + "AA", t));
  EXPECT_THROW(DpopNonces("short"), std::invalid_argument);
}

}  // namespace
}  // namespace tokengate::oauth
