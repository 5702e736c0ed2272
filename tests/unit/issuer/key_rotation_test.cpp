// Signing keys in the store: the first key, rotation, and what rotation deletes.
#include "issuer/key_rotation.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

using KeyRotationTest = test_support::TempStoreTest;

TEST_F(KeyRotationTest, OneActiveKeyAndRotation) {
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

TEST_F(KeyRotationTest, RotationDeletesKeysNoTokenCanStillNeed) {
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

}  // namespace
