// Signing keys in the store: the first key, rotation, and what rotation deletes.
#include "issuer/key_rotation.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "issuer/key_set.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

using KeyRotationTest = test_support::StoreBackendTest;

TEST_P(KeyRotationTest, OneActiveKeyAndRotation) {
  auto store = open();
  auto& s = *store;
  auto first = issuer::ensure_signing_key(s, jose::Algorithm::ES256);
  EXPECT_EQ(issuer::ensure_signing_key(s, jose::Algorithm::ES256).kid, first.kid);
  auto second = issuer::rotate_signing_key(s, jose::Algorithm::EdDSA);
  auto keys = s.list_keys();
  ASSERT_EQ(keys.size(), 2u);
  int active = 0;
  for (const auto& k : keys) {
    if (!k.retired_at) {
      ++active;
      EXPECT_EQ(k.kid, second.kid);
      EXPECT_EQ(k.alg, jose::Algorithm::EdDSA);
    }
  }
  EXPECT_EQ(active, 1);
}

TEST_P(KeyRotationTest, RotationDeletesKeysNoTokenCanStillNeed) {
  auto store = open();
  auto& s = *store;
  auto first = issuer::ensure_signing_key(s, jose::Algorithm::ES256);
  int64_t long_ago = static_cast<int64_t>(std::time(nullptr)) - 40 * 24 * 3600;
  auto second = issuer::generate_key_record(jose::Algorithm::ES256, long_ago);
  s.rotate_key(second);  // `first` retired 40 days ago, when `second` activated
  auto third = issuer::rotate_signing_key(s, jose::Algorithm::ES256);
  std::vector<std::string> kids;
  for (const auto& k : s.list_keys()) kids.push_back(k.kid);
  EXPECT_EQ(kids, (std::vector<std::string>{second.kid, third.kid}));
}

TEST_P(KeyRotationTest, ARotatedKeySignsOnlyAfterThePublishDelay) {
  auto store = open();
  auto& s = *store;
  auto first = issuer::ensure_signing_key(s, jose::Algorithm::ES256);
  auto second = issuer::rotate_signing_key(s, jose::Algorithm::ES256, 600);
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  EXPECT_GE(second.activates_at, now + 599);
  auto keys = s.list_keys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].kid, first.kid);
  EXPECT_EQ(keys[0].retired_at, second.activates_at);  // retires when the next one activates
  EXPECT_FALSE(keys[1].retired_at);
  auto set = issuer::KeySet::build(keys, now);
  EXPECT_EQ(set->active->kid(), first.kid);
  EXPECT_NE(set->public_keys.find(second.kid), nullptr);

  // --now overtakes a key still waiting: the waiting one never signs.
  auto third = issuer::rotate_signing_key(s, jose::Algorithm::ES256, 0);
  set = issuer::KeySet::build(s.list_keys(), now + 1);
  EXPECT_EQ(set->active->kid(), third.kid);
  for (const auto& k : s.list_keys()) {
    if (k.kid == second.kid) EXPECT_LE(*k.retired_at, k.activates_at);
  }
}

TEST_P(KeyRotationTest, WithdrawingTheSigningKeyPutsANewOneInItsPlace) {
  auto store = open();
  auto& s = *store;
  auto first = issuer::ensure_signing_key(s, jose::Algorithm::ES256);
  auto w = issuer::withdraw_signing_key(s, first.kid, jose::Algorithm::ES256);
  ASSERT_TRUE(w.found);
  ASSERT_TRUE(w.replacement);
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto set = issuer::KeySet::build(s.list_keys(), now);
  EXPECT_EQ(set->active->kid(), w.replacement->kid);
  EXPECT_EQ(set->public_keys.find(first.kid), nullptr);
  for (const auto& k : s.list_keys()) {
    if (k.kid == first.kid) {
      EXPECT_TRUE(k.withdrawn_at);
      EXPECT_TRUE(k.private_pem.empty());  // nothing left to sign with
    }
  }
  EXPECT_FALSE(issuer::withdraw_signing_key(s, "no-such-kid", jose::Algorithm::ES256).found);
  // A retired key needs no replacement.
  auto next = issuer::rotate_signing_key(s, jose::Algorithm::ES256, 0);
  auto again = issuer::withdraw_signing_key(s, w.replacement->kid, jose::Algorithm::ES256);
  EXPECT_TRUE(again.found);
  EXPECT_FALSE(again.replacement);
  EXPECT_EQ(issuer::KeySet::build(s.list_keys(), now + 1)->active->kid(), next.kid);
}

TEST_P(KeyRotationTest, RetiredKeysLoseTheirPrivateHalf) {
  auto store = open();
  auto& s = *store;
  auto first = issuer::ensure_signing_key(s, jose::Algorithm::ES256);
  issuer::rotate_signing_key(s, jose::Algorithm::ES256, 0);
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  s.purge_retired_keys(now - 100, now + 1);
  for (const auto& k : s.list_keys()) {
    if (k.kid == first.kid) {
      EXPECT_TRUE(k.private_pem.empty());
      EXPECT_FALSE(k.public_jwk.empty());
    } else {
      EXPECT_FALSE(k.private_pem.empty());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyRotationTest,
                         ::testing::Values(test_support::Backend::sqlite, test_support::Backend::postgres),
                         test_support::backend_name);

}  // namespace
