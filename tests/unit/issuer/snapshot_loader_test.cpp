// The issuer's snapshots from the store, on both backends: a change made by another process is
// picked up, and revocations between full reads are read and added, not reloaded whole.
#include "issuer/snapshot_loader.hpp"

#include <gtest/gtest.h>

#include <array>
#include <ctime>

#include "issuer/client_registry.hpp"
#include "issuer/key_rotation.hpp"
#include "jose/key_encryption.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;
using test_support::Backend;

namespace {

class SnapshotLoaderTest : public test_support::StoreBackendTest {};

TEST_P(SnapshotLoaderTest, ClientsKeysAndNewRevocationsReachTheSnapshots) {
  auto store = open();
  issuer::ensure_signing_key(*store, jose::Algorithm::ES256, nullptr);
  auto client = issuer::create_client(*store, {.name = "one", .scope = "", .audience = {}, .token_ttl = 0});
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  store->add_revocation({store::RevocationRecord::Kind::token, "g.t.0.1", client.record.id, now, now + 600});

  issuer::IssuerState state({"https://as.test", "api", 600});
  issuer::SnapshotLoader loader(*store, state, nullptr);
  loader.reload();  // the first read is a full one
  EXPECT_NE(state.clients.load()->find(client.record.id), nullptr);
  EXPECT_NE(state.keys.load()->active, nullptr);
  EXPECT_TRUE(state.revocations.load()->token_revoked("g.t.0.1"));
  EXPECT_EQ(state.revocations.load()->base_size(), 1u);

  // Another process revokes (another connection): the next reload adds it to the snapshot.
  auto other = open();
  other->add_revocation({store::RevocationRecord::Kind::token, "g.t.0.2", client.record.id, now, now + 600});
  other->add_revocation({store::RevocationRecord::Kind::generation, client.record.generation, client.record.id, now, now + 600});
  loader.reload();
  auto revocations = state.revocations.load();
  EXPECT_TRUE(revocations->token_revoked("g.t.0.1"));
  EXPECT_TRUE(revocations->token_revoked("g.t.0.2"));
  EXPECT_TRUE(revocations->generation_revoked(client.record.generation));
  EXPECT_EQ(revocations->base_size(), 1u) << "added, not reloaded whole";
  EXPECT_EQ(revocations->size(), 3u);

  // A revocation dated long ago (a node whose clock is behind) is still new to the reader: the
  // store numbers revocations in commit order, not by their time.
  other->add_revocation({store::RevocationRecord::Kind::token, "g.t.0.3", client.record.id, now - 86400, now + 600});
  loader.reload();
  EXPECT_TRUE(state.revocations.load()->token_revoked("g.t.0.3"));
  EXPECT_EQ(state.revocations.load()->size(), 4u);
  EXPECT_EQ(state.revocations.load()->base_size(), 1u) << "only the new one was read";
}

// Another node sealed the keys with a key-encryption key this one lacks: the reload says so
// (throws), but clients and revocations still reach the snapshots, and the keys it had stay.
TEST_P(SnapshotLoaderTest, KeysItCannotOpenDoNotStopClientsAndRevocations) {
  auto store = open();
  auto key = issuer::ensure_signing_key(*store, jose::Algorithm::ES256, nullptr);
  issuer::IssuerState state({"https://as.test", "api", 600});
  issuer::SnapshotLoader loader(*store, state, nullptr);
  loader.reload();
  auto keys_before = state.keys.load();
  ASSERT_NE(keys_before->active, nullptr);

  jose::KeyEncryption kek(std::array<unsigned char, 32>{7});
  ASSERT_TRUE(store->seal_key(key.kid, key.private_pem, kek.seal(key.private_pem, key.kid)));
  auto client = issuer::create_client(*store, {.name = "later", .scope = "", .audience = {}, .token_ttl = 0});
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  store->add_revocation({store::RevocationRecord::Kind::token, "g.t.0.9", client.record.id, now, now + 600});
  EXPECT_THROW(loader.reload(), std::exception);
  EXPECT_NE(state.clients.load()->find(client.record.id), nullptr);
  EXPECT_TRUE(state.revocations.load()->token_revoked("g.t.0.9"));
  EXPECT_EQ(state.keys.load(), keys_before) << "it keeps signing with the keys it has";
}

INSTANTIATE_TEST_SUITE_P(Backends, SnapshotLoaderTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         test_support::backend_name);

}  // namespace
