// Failed authentications reach the audit trail in batches, and a flood stays bounded.
#include "audit/trail_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include <boost/json/parse.hpp>

#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

using TrailWriterTest = test_support::TempStoreTest;

int64_t count_in(const store::AuditRecord& e) { return boost::json::parse(e.detail).at("count").as_int64(); }

TEST_F(TrailWriterTest, RepeatedFailuresOfOnePairBecomeOneEntryWithACount) {
  auto store = open();
  audit::TrailWriter writer(*store, {.flush_every = std::chrono::hours(1)});
  for (int i = 0; i < 5; ++i) writer.failed_authentication("client-a", "192.0.2.1");
  writer.failed_authentication("client-a", "192.0.2.2");
  writer.failed_authentication("client-b", "192.0.2.1");
  writer.flush();
  auto entries = open()->list_audit({});
  ASSERT_EQ(entries.size(), 3u);
  int64_t total = 0;
  for (const auto& e : entries) {
    EXPECT_EQ(e.action, "auth.failure");
    EXPECT_EQ(e.actor, "client");
    total += count_in(e);
    if (e.target == "client-a" && e.address == "192.0.2.1") EXPECT_EQ(count_in(e), 5);
  }
  EXPECT_EQ(total, 7);
}

TEST_F(TrailWriterTest, AFloodOfDistinctIdsIsBoundedInMemoryAndInTheStore) {
  auto store = open();
  audit::TrailWriter writer(*store, {.flush_every = std::chrono::hours(1), .max_pending = 1000, .max_entries_per_flush = 50});
  for (int i = 0; i < 20000; ++i) writer.failed_authentication("random-" + std::to_string(i), "198.51.100.9");
  writer.flush();
  auto entries = open()->list_audit({.target = "", .since = 0, .before_id = 0, .limit = 10000});
  ASSERT_EQ(entries.size(), 51u) << "50 entries and one summary";
  int64_t total = 0;
  for (const auto& e : entries) total += count_in(e);
  EXPECT_EQ(total, 20000) << "every failure is counted, in an entry or in the summary";
  auto summary = boost::json::parse(entries.front().detail).as_object();
  EXPECT_TRUE(summary.at("summarised").as_bool());
  EXPECT_EQ(summary.at("count").as_int64(), 20000 - 50);
}

// A flood of plain failures must not hide the lock-out and the admin refusals among them.
TEST_F(TrailWriterTest, LockOutsAndAdminRefusalsAreWrittenBeforeAFloodIsSummarised) {
  auto store = open();
  audit::TrailWriter writer(*store, {.flush_every = std::chrono::hours(1), .max_pending = 1000, .max_entries_per_flush = 50});
  for (int i = 0; i < 5000; ++i) writer.failed_authentication("random-" + std::to_string(i), "198.51.100.9");
  writer.failed(audit::TrailWriter::Failure::lockout, "victim", "198.51.100.9");
  writer.failed(audit::TrailWriter::Failure::admin_token, "", "198.51.100.9");
  writer.flush();
  auto entries = open()->list_audit({.target = "", .since = 0, .before_id = 0, .limit = 10000});
  auto kinds = [&](std::string_view kind) {
    return std::count_if(entries.begin(), entries.end(), [&](const auto& e) {
      auto detail = boost::json::parse(e.detail).as_object();
      return detail.contains("kind") && detail.at("kind").as_string() == kind;
    });
  };
  EXPECT_EQ(kinds("lockout"), 1);
  EXPECT_EQ(kinds("admin_invalid_token"), 1);
}

// What a request claims as its client ID is stored as valid UTF-8, cut at a character boundary.
TEST_F(TrailWriterTest, ClaimedIdsAreStoredAsValidUtf8) {
  auto store = open();
  audit::TrailWriter writer(*store, {.flush_every = std::chrono::hours(1)});
  writer.failed_authentication("\xff\xfe", "192.0.2.1");
  std::string long_id;
  for (int i = 0; i < 100; ++i) long_id += "\xc3\xa9";  // é, two bytes each
  writer.failed_authentication(long_id, "192.0.2.1");
  writer.flush();
  for (const auto& e : open()->list_audit({})) {
    if (e.target.starts_with("\xc3\xa9")) {
      EXPECT_LE(e.target.size(), 128u);
      EXPECT_EQ(e.target.size() % 2, 0u) << "no é cut in half";
    } else {
      EXPECT_EQ(e.target, "\xef\xbf\xbd\xef\xbf\xbd");  // two U+FFFD
    }
  }
}

TEST_F(TrailWriterTest, AnOverlongClientIdIsCutAndFlushesHappenOnTheirOwn) {
  auto store = open();
  audit::TrailWriter writer(*store, {.flush_every = std::chrono::milliseconds(50)});
  writer.failed_authentication(std::string(5000, 'x'), "192.0.2.1");
  std::vector<store::AuditRecord> entries;
  for (int i = 0; i < 100 && entries.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    entries = open()->list_audit({});
  }
  ASSERT_EQ(entries.size(), 1u) << "written by the writer's own thread";
  EXPECT_EQ(entries[0].target.size(), 128u);
}

}  // namespace

TEST_F(TrailWriterTest, ANotedSuccessIsWrittenFirstThenAtMostOncePerPeriodWithItsCount) {
  auto store = open();
  audit::TrailWriter writer(*store, {.flush_every = std::chrono::hours(1), .note_every = std::chrono::seconds(1)});
  const std::string who = R"({"issuer":"https://k8s.example","subject":"system:serviceaccount:prod:reporter"})";
  writer.noted("auth.federated", "client-a", "192.0.2.1", who);
  writer.flush();
  for (int i = 0; i < 4; ++i) writer.noted("auth.federated", "client-a", "192.0.2.1", who);
  writer.noted("auth.old_secret", "client-b", "192.0.2.9", "{}");
  writer.flush();  // within the period: only the new kind of note
  auto entries = open()->list_audit({});
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].action, "auth.federated");
  EXPECT_EQ(boost::json::parse(entries[1].detail).at("subject").as_string(), "system:serviceaccount:prod:reporter");
  EXPECT_EQ(count_in(entries[1]), 1);
  EXPECT_EQ(entries[0].action, "auth.old_secret");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the period ends
  writer.flush();
  entries = open()->list_audit({});
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].action, "auth.federated");
  EXPECT_EQ(count_in(entries[0]), 4) << "the uses since the last entry";
}
