// Creating and changing clients through the registry, on a real store.
#include "issuer/client_registry.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "common/secret_digest.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

using ClientRegistryTest = test_support::TempStoreTest;

TEST_F(ClientRegistryTest, RotateDisableDelete) {
  auto store = open();
  auto& s = *store;
  auto created = issuer::create_client(s, {.name = "svc", .scope = "", .audience = "", .token_ttl = 0});
  auto secret = issuer::rotate_client_secret(s, created.record.id);
  ASSERT_TRUE(secret);
  auto c = s.find_client(created.record.id);
  EXPECT_FALSE(common::secret_matches(created.secret, c->secret_digest));
  EXPECT_TRUE(common::secret_matches(*secret, c->secret_digest));
  EXPECT_TRUE(issuer::set_client_enabled(s, c->id, false));
  EXPECT_FALSE(s.find_client(c->id)->enabled);
  EXPECT_TRUE(issuer::delete_client(s, c->id));
  EXPECT_FALSE(issuer::delete_client(s, c->id));
  EXPECT_FALSE(issuer::rotate_client_secret(s, "missing"));
}

TEST_F(ClientRegistryTest, RejectsInvalidClientInput) {
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

}  // namespace
