#include "issuer/key_set.hpp"

#include <gtest/gtest.h>

#include "common/token_lifetime.hpp"
#include "issuer/key_rotation.hpp"

using namespace tokengate;

namespace {

TEST(KeySet, PublishesRetiredKeysForTheLongestTokenLifetime) {
  const int64_t now = 10'000'000;
  auto active = issuer::generate_key_record(jose::Algorithm::ES256, now);
  auto recent = issuer::generate_key_record(jose::Algorithm::ES256, now - 100);
  recent.retired_at = now - common::kMaxTokenLifetime + 60;  // a token it signed may still live
  auto old = issuer::generate_key_record(jose::Algorithm::ES256, now - 200);
  old.retired_at = now - common::kMaxTokenLifetime - 60;  // none can

  auto set = issuer::KeySet::build({active, recent, old}, now);
  ASSERT_NE(set->active, nullptr);
  EXPECT_EQ(set->active->kid(), active.kid);
  EXPECT_NE(set->public_keys.find(active.kid), nullptr);
  EXPECT_NE(set->public_keys.find(recent.kid), nullptr);
  EXPECT_EQ(set->public_keys.find(old.kid), nullptr);
  EXPECT_NE(set->jwks_json.find(recent.kid), std::string::npos);
  EXPECT_EQ(set->jwks_json.find(old.kid), std::string::npos);
}

TEST(KeySet, ANewKeyIsPublishedBeforeItSigns) {
  const int64_t now = 10'000'000;
  auto current = issuer::generate_key_record(jose::Algorithm::ES256, now - 100);
  current.retired_at = now + 600;
  auto next = issuer::generate_key_record(jose::Algorithm::ES256, now, now + 600);

  auto before = issuer::KeySet::build({current, next}, now);
  EXPECT_EQ(before->active->kid(), current.kid);             // the old key still signs
  EXPECT_NE(before->public_keys.find(next.kid), nullptr);    // the new one is already published
  EXPECT_EQ(before->next_change, now + 600);                 // when to look again

  auto after = issuer::KeySet::build({current, next}, now + 600);
  EXPECT_EQ(after->active->kid(), next.kid);
  EXPECT_NE(after->public_keys.find(current.kid), nullptr);  // retired: published while its tokens live
}

TEST(KeySet, AWithdrawnKeyIsNeitherPublishedNorTrusted) {
  const int64_t now = 10'000'000;
  auto bad = issuer::generate_key_record(jose::Algorithm::ES256, now - 100);
  bad.retired_at = now - 5;
  bad.withdrawn_at = now - 5;
  bad.private_pem.clear();  // withdrawal forgets it
  auto good = issuer::generate_key_record(jose::Algorithm::ES256, now - 5);
  auto set = issuer::KeySet::build({bad, good}, now);
  EXPECT_EQ(set->active->kid(), good.kid);
  EXPECT_EQ(set->public_keys.find(bad.kid), nullptr);
  EXPECT_EQ(set->jwks_json.find(bad.kid), std::string::npos);
}

TEST(KeySet, ARetiredKeyWithoutItsPrivateHalfIsStillPublished) {
  const int64_t now = 10'000'000;
  auto old = issuer::generate_key_record(jose::Algorithm::EdDSA, now - 100);
  old.retired_at = now - 50;
  old.private_pem.clear();
  auto active = issuer::generate_key_record(jose::Algorithm::ES256, now - 50);
  auto set = issuer::KeySet::build({old, active}, now);
  EXPECT_NE(set->public_keys.find(old.kid), nullptr);
  EXPECT_EQ(set->active->kid(), active.kid);
}

TEST(KeySet, NoActiveKeyMeansNoHeader) {
  auto set = issuer::KeySet::build({}, 1);
  EXPECT_EQ(set->active, nullptr);
  EXPECT_TRUE(set->active_header_b64.empty());
  EXPECT_EQ(set->jwks_json, R"({"keys":[]})");
}

}  // namespace
