// Creating and changing clients through the registry, on a real store.
#include "issuer/client_registry.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "common/secret_digest.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

using ClientRegistryTest = test_support::StoreBackendTest;

TEST_P(ClientRegistryTest, RotateDisableDelete) {
  auto store = open();
  auto& s = *store;
  auto created = issuer::create_client(s, {.name = "svc", .scope = "", .audience = "", .token_ttl = 0});
  auto secret = issuer::rotate_client_secret(s, created.record.id);
  ASSERT_TRUE(secret);
  auto c = s.find_client(created.record.id);
  EXPECT_FALSE(common::secret_matches(created.secret, c->secret_digest));
  EXPECT_TRUE(common::secret_matches(secret->secret, c->secret_digest));
  EXPECT_TRUE(issuer::set_client_enabled(s, c->id, false));
  EXPECT_FALSE(s.find_client(c->id)->enabled);
  EXPECT_TRUE(issuer::delete_client(s, c->id));
  EXPECT_FALSE(issuer::delete_client(s, c->id));
  EXPECT_FALSE(issuer::rotate_client_secret(s, "missing"));
}

// A rotation with a grace period: both secrets work until it ends, whichever node reads the store
// (the end is a time in the client's record); a rotation during it drops the oldest secret.
TEST_P(ClientRegistryTest, ARotationWithGraceKeepsTheOldSecretUntilItEnds) {
  auto store = open();
  auto& s = *store;
  auto created = issuer::create_client(s, {.name = "svc", .scope = "", .audience = "", .token_ttl = 0});
  int64_t before = static_cast<int64_t>(std::time(nullptr));
  auto second = issuer::rotate_client_secret(s, created.record.id, false, {}, 3600);
  ASSERT_TRUE(second);
  auto c = open()->find_client(created.record.id);  // as another connection (another node) reads it
  ASSERT_TRUE(c);
  EXPECT_EQ(second->old_secret_until, c->previous_secret_until);
  EXPECT_TRUE(common::secret_matches(second->secret, c->secret_digest));
  EXPECT_TRUE(common::secret_matches(created.secret, c->previous_secret_digest));
  EXPECT_GE(c->previous_secret_until, before + 3600);
  EXPECT_LE(c->previous_secret_until, static_cast<int64_t>(std::time(nullptr)) + 3600);

  auto third = issuer::rotate_client_secret(s, created.record.id, false, {}, 60);
  c = s.find_client(created.record.id);
  EXPECT_TRUE(common::secret_matches(second->secret, c->previous_secret_digest)) << "the one before is the previous now";
  EXPECT_FALSE(common::secret_matches(created.secret, c->previous_secret_digest)) << "the oldest is gone";

  issuer::rotate_client_secret(s, created.record.id);  // no grace: the old one stops at once
  c = s.find_client(created.record.id);
  EXPECT_EQ(c->previous_secret_until, 0);
  EXPECT_FALSE(common::secret_matches(third->secret, c->previous_secret_digest));
  EXPECT_THROW(issuer::rotate_client_secret(s, created.record.id, false, {}, 32 * 86400), issuer::InvalidClientInput);
  EXPECT_THROW(issuer::rotate_client_secret(s, created.record.id, false, {}, -1), issuer::InvalidClientInput);
}

TEST_P(ClientRegistryTest, RejectsInvalidClientInput) {
  auto store = open();
  auto& s = *store;
  EXPECT_THROW(issuer::create_client(s, {.name = "", .scope = "", .audience = "", .token_ttl = 0}),
               issuer::InvalidClientInput);
  EXPECT_THROW(issuer::create_client(s, {.name = "x", .scope = "a\"b", .audience = "", .token_ttl = 0}),
               issuer::InvalidClientInput);
  EXPECT_THROW(issuer::create_client(s, {.name = "x", .scope = "", .audience = "", .token_ttl = -5}),
               issuer::InvalidClientInput);
  EXPECT_TRUE(s.list_clients().empty());  // nothing half-written
}

TEST_P(ClientRegistryTest, RevokingTokensRevokesTheGenerationAndStartsANewOne) {
  auto store = open();
  auto& s = *store;
  auto created = issuer::create_client(s, {.name = "svc", .scope = "", .audience = "", .token_ttl = 0});
  std::string first = created.record.generation;
  EXPECT_FALSE(first.empty());
  ASSERT_TRUE(issuer::revoke_client_tokens(s, created.record.id));
  std::string second = s.find_client(created.record.id)->generation;
  EXPECT_NE(second, first);
  auto revoked = s.list_revocations(0);
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0].kind, store::RevocationRecord::Kind::generation);
  EXPECT_EQ(revoked[0].key, first);
  EXPECT_EQ(revoked[0].client_id, created.record.id);

  EXPECT_TRUE(issuer::set_client_enabled(s, created.record.id, false));  // disabling revokes too
  EXPECT_EQ(s.list_revocations(0).size(), 2u);
  EXPECT_TRUE(issuer::set_client_enabled(s, created.record.id, true));   // enabling brings nothing back
  EXPECT_EQ(s.list_revocations(0).size(), 2u);
  EXPECT_TRUE(issuer::rotate_client_secret(s, created.record.id, /*revoke_tokens=*/true));
  EXPECT_EQ(s.list_revocations(0).size(), 3u);
  EXPECT_TRUE(issuer::rotate_client_secret(s, created.record.id));  // a plain rotation revokes nothing
  EXPECT_EQ(s.list_revocations(0).size(), 3u);
  EXPECT_TRUE(issuer::delete_client(s, created.record.id));
  EXPECT_EQ(s.list_revocations(0).size(), 4u);
  EXPECT_FALSE(issuer::revoke_client_tokens(s, created.record.id));
}

INSTANTIATE_TEST_SUITE_P(Backends, ClientRegistryTest,
                         ::testing::Values(test_support::Backend::sqlite, test_support::Backend::postgres),
                         test_support::backend_name);

}  // namespace
