// Single use of client assertions: first use, a replay on this node, a replay another node's
// ledger recorded (two ledgers on one store), and a store that cannot be written.
#include "issuer/assertion_ledger.hpp"

#include <gtest/gtest.h>

#include <future>

#include "support/temp_store.hpp"

using namespace tokengate;
using test_support::Backend;
using Verdict = issuer::AssertionLedger::Verdict;

namespace {

Verdict record(issuer::AssertionLedger& ledger, const std::string& jti, int64_t expires_at = 4'000'000'000) {
  std::promise<Verdict> done;
  ledger.record({"svc", jti, expires_at}, [&done](Verdict v) { done.set_value(v); });
  return done.get_future().get();
}

class Ledger : public ::testing::TestWithParam<Backend> {};

}  // namespace

TEST_P(Ledger, EachAssertionOnceOnEveryNode) {
  test_support::TempStore temp(GetParam());
  auto store_a = temp.open();
  auto store_b = temp.open();
  issuer::AssertionLedger a(*store_a), b(*store_b);
  EXPECT_EQ(record(a, "one"), Verdict::first_use);
  EXPECT_EQ(record(a, "one"), Verdict::replayed);  // this node remembers
  EXPECT_EQ(record(b, "one"), Verdict::replayed);  // the other node learns it from the store
  EXPECT_EQ(record(b, "two"), Verdict::first_use);
  EXPECT_EQ(record(a, "two"), Verdict::replayed);
  // Many at once, in batches: each (client, jti) wins once.
  std::vector<std::future<Verdict>> verdicts;
  std::vector<std::shared_ptr<std::promise<Verdict>>> promises;
  for (int i = 0; i < 200; ++i) {
    auto p = std::make_shared<std::promise<Verdict>>();
    verdicts.push_back(p->get_future());
    (i % 2 ? a : b).record({"svc", "burst-" + std::to_string(i / 2), 4'000'000'000}, [p](Verdict v) { p->set_value(v); });
  }
  int first = 0;
  for (auto& v : verdicts) first += v.get() == Verdict::first_use;
  EXPECT_EQ(first, 100);
  EXPECT_LT(a.store_writes() + b.store_writes(), 200u + 4) << "bursts go to the store in batches";
}

INSTANTIATE_TEST_SUITE_P(Backends, Ledger, ::testing::Values(Backend::sqlite, Backend::postgres), test_support::backend_name);

TEST(LedgerOutage, AnAssertionIsNotTakenWhileTheStoreCannotRecordIt) {
  test_support::TempStore temp(Backend::sqlite);
  auto store = temp.open();
  {  // the store breaks: every write of a used assertion fails, as with PostgreSQL gone
    store::sqlite::Connection conn(temp.path(), /*create=*/false);
    conn.exec("DROP TABLE used_assertions");
  }
  issuer::AssertionLedger ledger(*store);
  EXPECT_EQ(record(ledger, "x"), Verdict::unavailable);
  EXPECT_EQ(record(ledger, "x"), Verdict::unavailable) << "not remembered as used: it was never recorded";
}
