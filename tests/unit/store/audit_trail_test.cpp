// The audit trail in the store, on both backends: an audited change and its entry are one
// transaction; listing filters and pages; retention and the cap on failed authentications.
#include <gtest/gtest.h>

#include <ctime>

#include "issuer/client_registry.hpp"
#include "issuer/key_rotation.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

using AuditTrailTest = test_support::StoreBackendTest;

const audit::Actor kAlice{"cli:alice@host", ""};
const audit::Actor kOps{"admin:ops-client", "203.0.113.7"};

std::vector<std::string> actions(const std::vector<store::AuditRecord>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.action + " " + e.target);
  return out;
}

TEST_P(AuditTrailTest, EveryChangeOfAClientOrKeyIsRecordedWithWhoAndWhere) {
  auto store = open();
  auto created = issuer::create_client(*store, {.name = "svc", .scope = "read", .audience = {}, .token_ttl = 0}, kAlice);
  const std::string id = created.record.id;
  ASSERT_TRUE(issuer::update_client(*store, id, {.name = "svc2", .scope = {}, .audience = {}, .token_ttl = 60}, kOps));
  ASSERT_TRUE(issuer::rotate_client_secret(*store, id, true, kOps));
  ASSERT_TRUE(issuer::set_client_enabled(*store, id, false, kOps));
  ASSERT_TRUE(issuer::set_client_enabled(*store, id, true, kOps));
  ASSERT_TRUE(issuer::revoke_client_tokens(*store, id, kOps));
  auto key = issuer::rotate_signing_key(*store, jose::Algorithm::ES256, 0, nullptr, kAlice);
  auto w = issuer::withdraw_signing_key(*store, key.kid, jose::Algorithm::ES256, nullptr, kOps);
  ASSERT_TRUE(w.found);
  ASSERT_TRUE(issuer::delete_client(*store, id, kAlice));

  auto entries = open()->list_audit({});
  ASSERT_EQ(entries.size(), 10u);
  EXPECT_EQ(actions(entries), (std::vector<std::string>{
                                  "client.delete " + id, "key.retire " + key.kid, "key.rotate " + w.replacement->kid,
                                  "key.rotate " + key.kid, "client.revoke_tokens " + id, "client.enable " + id,
                                  "client.disable " + id, "client.rotate_secret " + id, "client.update " + id,
                                  "client.create " + id}));
  EXPECT_EQ(entries.back().actor, "cli:alice@host");
  EXPECT_EQ(entries.back().address, "");
  EXPECT_EQ(entries[1].actor, "admin:ops-client");
  EXPECT_EQ(entries[1].address, "203.0.113.7");
  EXPECT_NE(entries[8].detail.find("\"token_ttl\":60"), std::string::npos) << entries[8].detail;
  for (const auto& e : entries) {
    EXPECT_GT(e.at, 0);
    EXPECT_EQ(e.detail.find(created.secret), std::string::npos) << "a secret in the audit trail";
  }
  for (size_t i = 1; i < entries.size(); ++i) EXPECT_GT(entries[i - 1].id, entries[i].id) << "newest first";
}

TEST_P(AuditTrailTest, AChangeThatFindsNothingLeavesNoEntry) {
  auto store = open();
  EXPECT_FALSE(issuer::set_client_enabled(*store, "no-such-client", false, kOps));
  EXPECT_FALSE(issuer::delete_client(*store, "no-such-client", kOps));
  EXPECT_FALSE(issuer::update_client(*store, "no-such-client", {.name = "x", .scope = {}, .audience = {}, .token_ttl = {}}, kOps));
  EXPECT_THROW(issuer::create_client(*store, {.name = "", .scope = {}, .audience = {}, .token_ttl = 0}, kOps),
               issuer::InvalidClientInput);
  EXPECT_TRUE(store->list_audit({}).empty());
}

TEST_P(AuditTrailTest, ListsFilterByTargetAndTimeAndPageBackwards) {
  auto store = open();
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<store::AuditRecord> batch;
  for (int i = 0; i < 25; ++i)
    batch.push_back({0, now - 1000 + i, "client", "auth.failure", i % 2 ? "odd" : "even", "198.51.100.1", "{\"count\":1}"});
  store->append_audit(batch);

  auto odd = store->list_audit({.target = "odd", .since = 0, .before_id = 0, .limit = 100});
  EXPECT_EQ(odd.size(), 12u);
  auto recent = store->list_audit({.target = "", .since = now - 1000 + 20, .before_id = 0, .limit = 100});
  EXPECT_EQ(recent.size(), 5u);

  std::vector<int64_t> seen;
  int64_t before = 0;
  for (;;) {
    auto page = store->list_audit({.target = "", .since = 0, .before_id = before, .limit = 10});
    for (const auto& e : page) seen.push_back(e.id);
    if (page.size() < 10) break;
    before = page.back().id;
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
}

TEST_P(AuditTrailTest, PurgeDropsWhatIsPastRetentionAndCapsFailedAuthentications) {
  auto store = open();
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  issuer::create_client(*store, {.name = "kept", .scope = {}, .audience = {}, .token_ttl = 0}, kAlice);
  std::vector<store::AuditRecord> batch;
  batch.push_back({0, now - 100 * 86400, "cli:old@host", "client.delete", "gone", "", ""});  // past 90 days
  for (int i = 0; i < 30; ++i) batch.push_back({0, now, "client", "auth.failure", "c" + std::to_string(i), "", ""});
  store->append_audit(batch);

  int deleted = store->purge_audit(now - 90 * 86400, 10);
  EXPECT_EQ(deleted, 1 + 20);
  auto left = store->list_audit({.target = "", .since = 0, .before_id = 0, .limit = 1000});
  ASSERT_EQ(left.size(), 11u);
  EXPECT_EQ(left.front().target, "c29") << "the newest failures are kept";
  EXPECT_EQ(left.back().action, "client.create") << "changes are not capped, only failed authentications";
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTrailTest,
                         ::testing::Values(test_support::Backend::sqlite, test_support::Backend::postgres),
                         test_support::backend_name);

}  // namespace
