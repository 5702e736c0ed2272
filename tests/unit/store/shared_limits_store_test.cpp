// The store's side of quotas and shared limits, on both backends: the leases it hands out never
// add up to more than the quota, a dead node's lapse, the first exhaustion is told once, and the
// failure counts add up across nodes.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "issuer/client_registry.hpp"
#include "store/store.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

using SharedLimitsStoreTest = test_support::StoreBackendTest;

store::QuotaClaim claim(int64_t used, int64_t want, bool refused = false) {
  return store::QuotaClaim{"c1", 6000, 6060, 100, used, want, refused};
}

TEST_P(SharedLimitsStoreTest, ClientQuotasPersist) {
  auto store = open();
  auto created = issuer::create_client(*store, {.name = "metered"});
  auto record = created.record;
  record.quota = *limits::parse_quota("1000/day");
  ASSERT_TRUE(store->update_client(record));
  auto again = open()->find_client(record.id);
  ASSERT_TRUE(again);
  EXPECT_EQ(limits::quota_text(again->quota), "1000/day");
}

TEST_P(SharedLimitsStoreTest, LeasesNeverAddUpToMoreThanTheQuota) {
  auto store = open();
  auto a = store->claim_quota("node-a", {claim(0, 60)}, 6001, 10);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].held, 60);
  auto b = store->claim_quota("node-b", {claim(0, 60)}, 6001, 10);
  EXPECT_EQ(b[0].held, 40) << "what node-a holds is not offered again";
  EXPECT_EQ(b[0].held_elsewhere, 60);
  // node-a issued 50 and gives the rest back: node-b may have it.
  a = store->claim_quota("node-a", {claim(50, 0)}, 6002, 10);
  EXPECT_EQ(a[0].held, 0);
  EXPECT_EQ(a[0].period_used, 50);
  b = store->claim_quota("node-b", {claim(0, 60)}, 6002, 10);
  EXPECT_EQ(b[0].held, 50);
  auto use = store->quota_use("c1", 6000, 6002);
  EXPECT_EQ(use.used, 50);
  EXPECT_EQ(use.held, 50);
  EXPECT_FALSE(use.exhausted);
}

TEST_P(SharedLimitsStoreTest, ADeadNodesLeaseLapsesAndItsReportedUseStays) {
  // Leases of one second, on the real clock: PostgreSQL times them by its own.
  auto store = open();
  auto now = [] { return static_cast<int64_t>(std::time(nullptr)); };
  store->claim_quota("dead", {claim(30, 70)}, now(), 1);
  auto b = store->claim_quota("alive", {claim(0, 100)}, now(), 1);
  EXPECT_EQ(b[0].held, 0) << "the dead node's lease is still live";
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // time: the lease's one second, and the clock's next
  b = store->claim_quota("alive", {claim(0, 100)}, now(), 1);
  EXPECT_EQ(b[0].held, 70) << "its lease lapsed; the 30 it reported stay used";
  EXPECT_EQ(b[0].period_used, 30);
}

TEST_P(SharedLimitsStoreTest, TheFirstExhaustionOfAPeriodIsToldOnce) {
  auto store = open();
  auto a = store->claim_quota("a", {claim(100, 10, true)}, 6001, 10);
  EXPECT_EQ(a[0].held, 0);
  EXPECT_TRUE(a[0].first_exhaustion);
  auto b = store->claim_quota("b", {claim(0, 10, true)}, 6002, 10);
  EXPECT_FALSE(b[0].first_exhaustion) << "once per period, whichever node";
  EXPECT_TRUE(store->quota_use("c1", 6000, 6002).exhausted);
  // Refused while another node still holds some is no exhaustion.
  store->claim_quota("x", {store::QuotaClaim{"c2", 6000, 6060, 10, 0, 10, false}}, 6001, 10);
  auto y = store->claim_quota("y", {store::QuotaClaim{"c2", 6000, 6060, 10, 0, 10, true}}, 6001, 10);
  EXPECT_FALSE(y[0].first_exhaustion);
  EXPECT_EQ(store->purge_quota(6061), 2);
  EXPECT_EQ(store->quota_use("c1", 6000, 6062).used, 0);
}

TEST_P(SharedLimitsStoreTest, FailureCountsAddUpAcrossNodesWithinTheirWindow) {
  auto store = open();
  auto a = store->exchange_failures("a", {{"k1", 3}}, 0, 1000, 60);
  ASSERT_EQ(a.changed.size(), 1u);
  EXPECT_EQ(a.changed[0].count, 3);
  auto b = store->exchange_failures("b", {{"k1", 4}, {"k2", 1}}, 0, 1002, 60);
  EXPECT_EQ(b.live_nodes, 2);
  int64_t k1 = 0;
  for (const auto& f : b.changed)
    if (f.key == "k1") k1 = f.count;
  EXPECT_EQ(k1, 7);
  EXPECT_EQ(b.changed.size(), 2u);
  // Node a hears of k2 (and k1's new count) with no failure of its own to tell.
  a = store->exchange_failures("a", {}, a.read_at_ms, 1003, 60);
  bool heard_k2 = false;
  for (const auto& f : a.changed) heard_k2 |= f.key == "k2" && f.count == 1;
  EXPECT_TRUE(heard_k2);
  // The window over, a count starts again.
  auto later = store->exchange_failures("a", {{"k1", 1}}, 0, 1061, 60);
  for (const auto& f : later.changed)
    if (f.key == "k1") EXPECT_EQ(f.count, 1);
  EXPECT_GE(store->purge_failures(1061), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SharedLimitsStoreTest,
                         ::testing::Values(test_support::Backend::sqlite, test_support::Backend::postgres),
                         test_support::backend_name);

}  // namespace
