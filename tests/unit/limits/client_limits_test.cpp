// The abuse limits' arithmetic: lock-outs per pair and per address, windows, token buckets, and
// memory that stays bounded whatever is sent.
#include "limits/client_limits.hpp"

#include <gtest/gtest.h>

using namespace tokengate::limits;
using namespace std::chrono_literals;

namespace {

TEST(ClientLimits, APairIsLockedAfterItsFailuresUntilTheWindowEnds) {
  ClientLimits limits({.failures = 3, .address_failures = 0, .window = 60s});
  auto t = ClientLimits::Clock::now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limits.check_failures("10.0.0.1", "c", t));
    limits.failed("10.0.0.1", "c", t);
  }
  auto refusal = limits.check_failures("10.0.0.1", "c", t + 10s);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->retry_after, 50s);
  EXPECT_FALSE(limits.check_failures("10.0.0.2", "c", t + 10s));  // the client from elsewhere
  EXPECT_FALSE(limits.check_failures("10.0.0.1", "d", t + 10s));  // another client from here
  EXPECT_FALSE(limits.check_failures("10.0.0.1", "c", t + 60s));  // the window is over
}

TEST(ClientLimits, ASuccessClearsThePairsCount) {
  ClientLimits limits({.failures = 3, .address_failures = 0});
  auto t = ClientLimits::Clock::now();
  limits.failed("a", "c", t);
  limits.failed("a", "c", t);
  limits.succeeded("a", "c");
  limits.failed("a", "c", t);
  EXPECT_FALSE(limits.check_failures("a", "c", t));
}

TEST(ClientLimits, AnAddressSprayingIdsIsLocked) {
  ClientLimits limits({.failures = 100, .address_failures = 5});
  auto t = ClientLimits::Clock::now();
  for (int i = 0; i < 5; ++i) limits.failed("a", "id" + std::to_string(i), t);
  EXPECT_TRUE(limits.check_failures("a", "a-fresh-id", t));
  EXPECT_FALSE(limits.check_failures("b", "a-fresh-id", t));
}

TEST(ClientLimits, TokenBucketsRefillAtTheirRate) {
  ClientLimits limits({.client_rate = 2, .address_rate = 0});
  auto t = ClientLimits::Clock::now();
  EXPECT_FALSE(limits.take_client_grant("c", t));
  EXPECT_FALSE(limits.take_client_grant("c", t));
  auto refused = limits.take_client_grant("c", t);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->policy, "\"rate\";q=2;w=1");
  EXPECT_FALSE(limits.take_client_grant("c", t + 600ms));  // 1.2 tokens back
  EXPECT_FALSE(limits.take_client_grant("other", t));
  EXPECT_FALSE(limits.take_address_grant("a", t));  // no address rate set
}

TEST(ClientLimits, TheFailureThatLocksOutSaysSo) {
  ClientLimits limits({.failures = 3, .address_failures = 0, .window = 60s});
  auto t = ClientLimits::Clock::now();
  EXPECT_FALSE(limits.failed("a", "c", t));
  EXPECT_FALSE(limits.failed("a", "c", t));
  EXPECT_TRUE(limits.failed("a", "c", t));
  EXPECT_FALSE(limits.failed("a", "c", t));  // locked already: said once
}

// Proxy mode: guesses in flight hold failure slots, so concurrency cannot outrun the limit.
TEST(ClientLimits, ReservedSlotsCapRequestsInFlight) {
  ClientLimits limits({.failures = 3, .address_failures = 50, .window = 60s});
  auto t = ClientLimits::Clock::now();
  ClientLimits::Reservation held[3];
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limits.reserve("a", "c", t, held[i])) << i;
  ClientLimits::Reservation none;
  auto refused = limits.reserve("a", "c", t, none);
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->message.find("in flight"), std::string::npos) << refused->message;
  EXPECT_FALSE(none.pair || none.address) << "a refusal holds nothing";
  ClientLimits::Reservation other;
  EXPECT_FALSE(limits.reserve("b", "c", t, other)) << "another address is not held back";
  // An answer fails: counted first, then its slot given back; the pair is still full.
  limits.failed("a", "c", t);
  limits.release("a", "c", held[0]);
  ClientLimits::Reservation again;
  EXPECT_TRUE(limits.reserve("a", "c", t, again));
  // An answer succeeds: the pair is known good, its count starts afresh, and it may have ten times
  // its limit in flight (a busy client), no more, spending no slot of the address.
  limits.succeeded("a", "c", /*remember=*/true);
  limits.release("a", "c", held[1]);
  int in_flight = 1;  // held[2]
  ClientLimits::Reservation r;
  while (!limits.reserve("a", "c", t, r)) {
    EXPECT_TRUE(r.pair);
    EXPECT_FALSE(r.address) << "a known-good pair spends no slot of the address";
    ++in_flight;
    ASSERT_LT(in_flight, 1000);
  }
  EXPECT_EQ(in_flight, 3 * ClientLimits::kKnownGoodFactor);
  limits.failed("a", "c", t);  // one fails: capped as any pair again
  EXPECT_TRUE(limits.reserve("a", "c", t, r));
  // Across client IDs the address cap holds: 5 slots at most from one address.
  ClientLimits spray({.failures = 100, .address_failures = 5, .window = 60s});
  int granted = 0;
  for (int i = 0; i < 20; ++i) {
    ClientLimits::Reservation h;
    granted += spray.reserve("x", "id" + std::to_string(i), t, h) ? 0 : 1;
  }
  EXPECT_EQ(granted, 5);
}

TEST(ClientLimits, MemoryStaysBoundedWhateverIsSent) {
  ClientLimits limits({.failures = 10, .address_failures = 10, .window = 60s, .client_rate = 1, .address_rate = 1,
                       .capacity = 1600});
  auto t = ClientLimits::Clock::now();
  for (int i = 0; i < 200000; ++i) {
    std::string address = "10." + std::to_string(i % 250) + "." + std::to_string(i / 250 % 250) + ".1";
    limits.failed(address, "client-" + std::to_string(i), t);
    limits.take_address_grant(address, t);
    limits.take_client_grant("client-" + std::to_string(i), t);
    ClientLimits::Reservation held;
    if (i % 2) limits.reserve(address, "client-" + std::to_string(i), t, held);
  }
  EXPECT_LE(limits.remembered(), 4 * 1600u);
}

TEST(ClientLimits, SharedCountsLockOutWhatNoNodeSawEnoughOfAlone) {
  // Two nodes' limits, their counts exchanged as limits/shared_limits does through the store.
  ClientLimits a({.failures = 4, .address_failures = 0, .window = 60s});
  ClientLimits b({.failures = 4, .address_failures = 0, .window = 60s});
  a.enable_sharing();
  b.enable_sharing();
  auto t = ClientLimits::Clock::now();
  int64_t unix_now = 1000;
  a.failed("10.0.0.1", "c", t);
  a.failed("10.0.0.1", "c", t);
  b.failed("10.0.0.1", "c", t);
  auto told_a = a.drain_failures();
  auto told_b = b.drain_failures();
  ASSERT_EQ(told_a.size(), 1u);
  EXPECT_EQ(told_a[0].count, 2);
  EXPECT_TRUE(a.drain_failures().empty()) << "told once";
  // The store adds them up: three, and each node hears it.
  std::vector<tokengate::store::SharedFailure> heard{{told_a[0].key, unix_now, 3}};
  a.merge_failures(heard, unix_now, t);
  b.merge_failures(heard, unix_now, t);
  EXPECT_FALSE(b.check_failures("10.0.0.1", "c", t));
  // The fourth failure, on b: b locks out at once, a when it hears.
  EXPECT_TRUE(b.failed("10.0.0.1", "c", t)) << "the failure that reaches the limit, all nodes together, locks out";
  EXPECT_TRUE(b.check_failures("10.0.0.1", "c", t));
  EXPECT_FALSE(a.check_failures("10.0.0.1", "c", t));
  a.merge_failures({{told_a[0].key, unix_now, 4}}, unix_now + 1, t + 1s);
  auto refusal = a.check_failures("10.0.0.1", "c", t + 1s);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->retry_after, 59s) << "until the shared window ends";
  EXPECT_FALSE(a.check_failures("10.0.0.1", "c", t + 60s));
  // A count whose window is over is not taken; one whose window runs is.
  ClientLimits c({.failures = 4, .address_failures = 0, .window = 60s});
  c.enable_sharing();
  c.merge_failures({{told_a[0].key, unix_now - 61, 100}}, unix_now, t);
  EXPECT_FALSE(c.check_failures("10.0.0.1", "c", t));
  c.merge_failures({{told_a[0].key, unix_now - 30, 100}}, unix_now, t);
  EXPECT_TRUE(c.check_failures("10.0.0.1", "c", t));
}

TEST(ClientLimits, SharedKeysAreDigestsWhateverTheClientIdHolds) {
  ClientLimits limits({.failures = 4, .address_failures = 4, .window = 60s});
  limits.enable_sharing();
  auto t = ClientLimits::Clock::now();
  limits.failed("10.0.0.1", std::string("\xff\0") + std::string(16000, 'x'), t);
  for (const auto& d : limits.drain_failures()) {
    EXPECT_EQ(d.key.size(), 2u + 22u) << "a prefix and a 128-bit digest, base64url";
    for (char ch : d.key) EXPECT_TRUE(ch == ' ' || std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_');
  }
}

TEST(ClientLimits, ARateIsSplitAmongTheLiveNodes) {
  ClientLimits limits({.client_rate = 9});
  auto t = ClientLimits::Clock::now();
  limits.set_rate_share(1.0 / 3);
  int served = 0;
  for (int i = 0; i < 20; ++i)
    if (!limits.take_client_grant("c", t)) ++served;
  EXPECT_EQ(served, 3) << "a third of 9 a second";
  limits.set_rate_share(1.0 / 30);
  served = 0;
  for (int i = 0; i < 20; ++i)
    if (!limits.take_client_grant("d", t + std::chrono::seconds(i * 4))) ++served;
  EXPECT_GE(served, 5) << "a share under one a second still lets one through now and then";
}

}  // namespace
