// The lease arithmetic of quotas, with a fake clock and a fake store: several nodes' QuotaLeases
// against one in-memory lease table that does what the store does (store/quota_record.hpp), and
// that can be made unreachable.
#include "limits/quota_leases.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>
#include <stdexcept>

using namespace tokengate;
using limits::QuotaAnswer;
using Kind = limits::QuotaAnswer::Kind;

namespace {

struct FakeLeaseTable {
  struct Lease {
    int64_t used = 0, held = 0, expires = 0;
  };
  std::map<std::string, std::map<std::string, Lease>> periods;  // "client@start" → node → lease
  std::map<std::string, bool> exhausted;
  bool down = false;
  int round_trips = 0;
  std::function<void(const std::string& node)> during_claim;  // grants on the claiming node meanwhile
};

class FakeSource final : public limits::LeaseSource {
 public:
  FakeSource(FakeLeaseTable& table, std::string node) : table_(table), node_(std::move(node)) {}
  std::vector<store::QuotaGrant> claim(const std::vector<store::QuotaClaim>& claims, int64_t now, int64_t ttl) override {
    if (table_.down) throw std::runtime_error("the store is down");
    ++table_.round_trips;
    if (table_.during_claim) table_.during_claim(node_);
    std::vector<store::QuotaGrant> out;
    for (const auto& c : claims) {
      auto key = c.client_id + "@" + std::to_string(c.period_start);
      auto& leases = table_.periods[key];
      auto& mine = leases[node_];
      mine.used = std::max(mine.used, c.used);
      mine.expires = now + ttl;
      store::QuotaGrant g;
      for (const auto& [node, l] : leases) {
        if (node == node_) continue;
        g.period_used += l.used;
        if (l.expires > now) g.held_elsewhere += l.held;
      }
      g.period_used += mine.used;
      g.held = std::max<int64_t>(0, std::min(c.want, c.limit - g.period_used - g.held_elsewhere));
      mine.held = g.held;
      if (c.refused && g.period_used >= c.limit && !table_.exhausted[key])
        g.first_exhaustion = table_.exhausted[key] = true;
      out.push_back(g);
    }
    return out;
  }

 private:
  FakeLeaseTable& table_;
  std::string node_;
};

struct Node {
  Node(FakeLeaseTable& table, const std::string& name, int64_t& clock, limits::QuotaSettings settings = {})
      : source(table, name), leases(source, settings, [&clock] { return clock; }) {}
  // A grant, the lease thread's round run at once if it has to wait.
  Kind take(const std::string& client, const limits::Quota& quota) {
    std::optional<QuotaAnswer> later;
    auto now = leases.take(client, quota, [&](const QuotaAnswer& a) { later = a; });
    if (now) return now->kind;
    leases.sync();
    EXPECT_TRUE(later) << "a waiting grant is answered by the next round";
    return later ? later->kind : Kind::busy;
  }
  FakeSource source;
  limits::QuotaLeases leases;
};

const limits::Quota kPerMinute{100, limits::QuotaPeriod::minute};
constexpr int64_t kMinute = 1'800'000'000'000;  // a minute's start, in ms

TEST(QuotaLeases, OneNodeIssuesExactlyTheQuotaThenRefusesUntilThePeriodEnds) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  Node node(table, "a", clock);
  int issued = 0;
  for (int i = 0; i < 150; ++i) {
    clock += 10;
    if (node.take("c", kPerMinute) == Kind::issued) ++issued;
    node.leases.sync();  // the thread's round, as often as it runs
  }
  EXPECT_EQ(issued, 100);
  EXPECT_EQ(node.take("c", kPerMinute), Kind::exhausted);
  clock = kMinute + 60'000;  // the next minute
  EXPECT_EQ(node.take("c", kPerMinute), Kind::issued);
}

TEST(QuotaLeases, ThreeNodesTogetherIssueTheQuotaAndNoMore) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  std::vector<std::unique_ptr<Node>> nodes;
  for (auto name : {"a", "b", "c"}) nodes.push_back(std::make_unique<Node>(table, name, clock));
  int issued = 0;
  for (int i = 0; i < 400; ++i) {
    clock += 20;
    auto& node = *nodes[i % 3];
    if (node.take("c", kPerMinute) == Kind::issued) ++issued;
    if (i % 7 == 0)
      for (auto& n : nodes) n->leases.sync();
  }
  // A few refusals may come while another node holds the last tokens; idle leases are given back
  // within two report intervals, so asking again later finds them.
  clock += 2500;
  for (auto& n : nodes) n->leases.sync();
  for (int i = 0; i < 30; ++i) {
    clock += 100;
    if (nodes[i % 3]->take("c", kPerMinute) == Kind::issued) ++issued;
    for (auto& n : nodes) n->leases.sync();
  }
  EXPECT_EQ(issued, 100);
}

TEST(QuotaLeases, LeasesAreRenewedAheadSoABusyClientCostsFewRoundTrips) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  Node node(table, "a", clock);
  limits::Quota big{1'000'000'000, limits::QuotaPeriod::month};
  int waited = 0;
  for (int i = 0; i < 10'000; ++i) {
    clock += (i % 10 == 0) ? 1 : 0;  // 10,000 grants a second
    std::optional<QuotaAnswer> later;
    auto now = node.leases.take("c", big, [&](const QuotaAnswer& a) { later = a; });
    if (!now) {
      ++waited;
      node.leases.sync();
      ASSERT_TRUE(later && later->kind == Kind::issued);
    } else {
      ASSERT_EQ(now->kind, Kind::issued);
    }
    if (i % 10 == 0) node.leases.sync();  // the thread, woken when the lease runs low, a millisecond later
  }
  EXPECT_LE(waited, 5) << "the first grant of the period waits, and a few while the lease grows to its size";
  EXPECT_LE(table.round_trips, 20) << "at most two round trips per 1,000 grants at the default lease size";
}

TEST(QuotaLeases, ADeadNodeOvershootsByAtMostItsLease) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  limits::Quota quota{1000, limits::QuotaPeriod::hour};
  int issued = 0;
  {
    Node doomed(table, "doomed", clock);
    for (int i = 0; i < 30; ++i)
      if (doomed.take("c", quota) == Kind::issued) ++issued;
    // It dies here, without reporting the 30 (nor anything since its first claim).
  }
  Node survivor(table, "survivor", clock);
  clock += 11'000;  // the dead node's lease lapses
  for (int i = 0; i < 2000; ++i) {
    clock += 5;
    if (survivor.take("c", quota) == Kind::issued) ++issued;
    if (i % 5 == 0) survivor.leases.sync();
  }
  EXPECT_GE(issued, 1000);
  EXPECT_LE(issued, 1000 + 50) << "the bound: one lease (a twentieth of the quota) per dead node";
}

TEST(QuotaLeases, TheStoreAwayANodeServesItsLeaseThenCountsAloneAndSaysSo) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  Node a(table, "a", clock), b(table, "b", clock);
  for (int i = 0; i < 40; ++i) {
    clock += 10;
    a.take("c", kPerMinute);
    a.leases.sync();
  }
  table.down = true;
  int issued = 0;
  for (int i = 0; i < 100; ++i) {
    clock += 10;
    if (b.take("c", kPerMinute) == Kind::issued) ++issued;
    b.leases.sync();
  }
  EXPECT_TRUE(b.leases.local_only());
  EXPECT_EQ(issued, 100) << "b never heard of a's use: alone, it holds the whole quota";
  EXPECT_EQ(b.take("c", kPerMinute), Kind::exhausted) << "but not more";
  table.down = false;
  clock += 1000;
  b.leases.sync();
  EXPECT_FALSE(b.leases.local_only());
  EXPECT_EQ(b.take("c", kPerMinute), Kind::exhausted) << "back with the store, its use is counted";
}

TEST(QuotaLeases, TheFirstExhaustionIsReportedOnceAcrossNodes) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  Node a(table, "a", clock), b(table, "b", clock);
  int told = 0;
  for (auto* n : {&a, &b}) n->leases.on_exhausted([&](const std::string&, const limits::Quota&, const limits::QuotaWindow&) { ++told; });
  limits::Quota quota{5, limits::QuotaPeriod::day};
  for (int i = 0; i < 20; ++i) {
    clock += 100;
    (i % 2 ? a : b).take("c", quota);
    a.leases.sync();
    b.leases.sync();
  }
  EXPECT_EQ(told, 1);
}

TEST(QuotaLeases, ARefusalWhileAnotherNodeHeldTheRestDoesNotHideTheExhaustion) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  Node a(table, "a", clock), b(table, "b", clock);
  int told = 0;
  for (auto* n : {&a, &b}) n->leases.on_exhausted([&](const std::string&, const limits::Quota&, const limits::QuotaWindow&) { ++told; });
  limits::Quota quota{6, limits::QuotaPeriod::day};  // leases of one
  for (int i = 0; i < 5; ++i) {
    clock += 10;
    ASSERT_EQ(a.take("c", quota), Kind::issued);
    a.leases.sync();
  }
  clock += 10;
  EXPECT_EQ(b.take("c", quota), Kind::held_elsewhere) << "a holds the last token";
  b.leases.sync();
  EXPECT_EQ(a.take("c", quota), Kind::issued);
  a.leases.sync();
  clock += 300;
  EXPECT_EQ(b.take("c", quota), Kind::exhausted);
  b.leases.sync();
  EXPECT_EQ(told, 1) << "b's refusal for want of quota is told, though it was refused before for another reason";
}

TEST(QuotaLeases, AQuotaRaisedWithinThePeriodIsServedAtOnce) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  Node node(table, "a", clock);
  limits::Quota small{2, limits::QuotaPeriod::minute};
  EXPECT_EQ(node.take("c", small), Kind::issued);
  EXPECT_EQ(node.take("c", small), Kind::issued);
  EXPECT_EQ(node.take("c", small), Kind::exhausted);
  EXPECT_EQ(node.take("c", limits::Quota{3, limits::QuotaPeriod::minute}), Kind::issued);
  EXPECT_EQ(node.take("c", limits::Quota{3, limits::QuotaPeriod::minute}), Kind::exhausted);
}

TEST(QuotaLeases, NeverMoreThanTheQuotaWhateverInterleaves) {
  // Three nodes, grants and rounds in a random order, and grants on a node while its claim is out
  // (the window where it still draws on the lease it is replacing): never more than the quota.
  FakeLeaseTable table;
  int64_t clock = kMinute;
  limits::Quota quota{300, limits::QuotaPeriod::hour};
  std::map<std::string, std::unique_ptr<Node>> nodes;
  for (auto name : {"a", "b", "c"}) nodes[name] = std::make_unique<Node>(table, name, clock);
  std::mt19937 rng(20);
  int issued = 0;
  auto count = [&](const QuotaAnswer& a) { issued += a.kind == Kind::issued; };
  table.during_claim = [&](const std::string& node) {
    for (int k = std::uniform_int_distribution<int>(0, 30)(rng); k > 0; --k) {
      auto now = nodes[node]->leases.take("c", quota, nullptr);
      if (now) count(*now);
    }
  };
  const char* names[] = {"a", "b", "c"};
  for (int step = 0; step < 20000; ++step) {
    clock += std::uniform_int_distribution<int>(0, 60)(rng);
    auto& node = *nodes[names[std::uniform_int_distribution<int>(0, 2)(rng)]];
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) {
      node.leases.sync();
    } else if (auto now = node.leases.take("c", quota, count)) {
      count(*now);
    }
    ASSERT_LE(issued, 300) << "at step " << step;
  }
  clock += 3000;  // idle leases go back
  for (int i = 0; i < 3; ++i)
    for (auto& [name, n] : nodes) n->leases.sync();
  for (int i = 0; i < 200; ++i) {
    clock += 50;
    auto& node = *nodes[names[i % 3]];
    if (auto now = node.leases.take("c", quota, count)) count(*now);
    node.leases.sync();
  }
  EXPECT_EQ(issued, 300) << "and all of it, in the end";
}

TEST(QuotaLeases, ALeaseGivenBackIsNotDrawnOnWhileTheClaimIsOut) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  Node a(table, "a", clock), b(table, "b", clock);
  limits::Quota quota{100, limits::QuotaPeriod::day};  // leases of 5 at most
  int issued = 0;
  for (int i = 0; i < 12; ++i) {
    clock += 10;
    issued += a.take("c", quota) == Kind::issued;
    a.leases.sync();
  }
  // a goes quiet and gives its lease back; grants reach it while that claim is out.
  clock += 2500;
  table.during_claim = [&](const std::string& node) {
    if (node != "a") return;
    for (int k = 0; k < 5; ++k) {
      auto now = a.leases.take("c", quota, nullptr);
      issued += now && now->kind == Kind::issued;
    }
  };
  a.leases.sync();
  table.during_claim = nullptr;
  // b takes all that is left.
  for (int i = 0; i < 200; ++i) {
    clock += 10;
    issued += b.take("c", quota) == Kind::issued;
    b.leases.sync();
  }
  EXPECT_EQ(issued, 100);
}

TEST(QuotaLeases, AGrantThatFailsAfterAllGivesItsTokenBack) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  Node node(table, "a", clock);
  limits::Quota two{2, limits::QuotaPeriod::day};
  EXPECT_EQ(node.take("c", two), Kind::issued);
  node.leases.refund("c");  // say, the scope asked for was refused
  EXPECT_EQ(node.take("c", two), Kind::issued);
  EXPECT_EQ(node.take("c", two), Kind::issued);
  EXPECT_EQ(node.take("c", two), Kind::exhausted);
}

TEST(QuotaLeases, AClaimThatHangsDoesNotHoldGrantsBack) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  Node node(table, "a", clock);
  limits::Quota quota{100, limits::QuotaPeriod::day};
  EXPECT_EQ(node.take("c", quota), Kind::issued);
  // The database takes 3 s to answer: grants meanwhile are counted locally, not parked.
  int during = 0;
  table.during_claim = [&](const std::string&) {
    clock += 3000;
    for (int i = 0; i < 5; ++i) {
      auto now = node.leases.take("c", quota, nullptr);
      during += now && now->kind == Kind::issued;
    }
  };
  clock += 6000;  // the lease is due for renewal
  node.leases.sync();
  EXPECT_EQ(during, 5);
}

TEST(QuotaLeases, TooManyWaitingGrantsAreRefusedAsBusy) {
  FakeLeaseTable table;
  int64_t clock = kMinute;
  limits::QuotaSettings settings;
  settings.max_waiting = 2;
  Node node(table, "a", clock, settings);
  int later = 0;
  auto count = [&](const QuotaAnswer&) { ++later; };
  EXPECT_FALSE(node.leases.take("c1", kPerMinute, count));
  EXPECT_FALSE(node.leases.take("c2", kPerMinute, count));
  auto third = node.leases.take("c3", kPerMinute, count);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->kind, Kind::busy);
  node.leases.sync();
  EXPECT_EQ(later, 2);
}

TEST(Quota, ParsesAndPrintsAndKnowsItsPeriods) {
  EXPECT_EQ(limits::quota_text(*limits::parse_quota("1000/day")), "1000/day");
  EXPECT_EQ(limits::quota_text(*limits::parse_quota("5/minute")), "5/min");
  EXPECT_FALSE(limits::parse_quota("none")->set());
  for (auto bad : {"0/day", "-1/h", "10", "10/week", "/day", "1e3/day", "10/day/x", "99999999999999999999/h"})
    EXPECT_FALSE(limits::parse_quota(bad)) << bad;
  auto month = limits::quota_window(limits::QuotaPeriod::month, 1'709'251'200 + 86400 * 3);  // 2024-03-04
  EXPECT_EQ(month.start, 1'709'251'200);                                                      // 2024-03-01
  EXPECT_EQ(month.end, 1'711'929'600);                                                        // 2024-04-01
  auto december = limits::quota_window(limits::QuotaPeriod::month, 1'733'011'200);            // 2024-12-01
  EXPECT_EQ(december.end, 1'735'689'600);                                                     // 2025-01-01
  auto minute = limits::quota_window(limits::QuotaPeriod::minute, 125);
  EXPECT_EQ(minute.start, 120);
  EXPECT_EQ(minute.end, 180);
}

}  // namespace
