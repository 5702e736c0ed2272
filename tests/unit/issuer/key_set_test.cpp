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

TEST(KeySet, NoActiveKeyMeansNoHeader) {
  auto set = issuer::KeySet::build({}, 1);
  EXPECT_EQ(set->active, nullptr);
  EXPECT_TRUE(set->active_header_b64.empty());
  EXPECT_EQ(set->jwks_json, R"({"keys":[]})");
}

}  // namespace
