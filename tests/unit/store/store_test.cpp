// The store suite, one suite for both backends: every test runs against SQLite and against a
// PostgreSQL database of its own (tests/unit/support/temp_store.hpp).
#include "store/store.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "common/secret_digest.hpp"
#include "issuer/client_registry.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

using StoreTest = test_support::StoreBackendTest;

TEST_P(StoreTest, ClientsPersistAcrossConnections) {
  std::string id;
  {
    auto store = open();
    auto& s = *store;
    auto created = issuer::create_client(s, {.name = "svc", .scope = "read write", .audience = "api", .token_ttl = 60});
    id = created.record.id;
    EXPECT_TRUE(common::secret_matches(created.secret, created.record.secret_digest));
  }
  auto again = open();
  auto c = again->find_client(id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "svc");
  EXPECT_EQ(c->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(c->audience, "api");
  EXPECT_EQ(c->token_ttl, 60);
  EXPECT_TRUE(c->enabled);
}

TEST_P(StoreTest, CertificateClientsAndTokenBindingsPersist) {
  auto store = open();
  using Auth = store::ClientRecord::Auth;
  using Kind = store::ClientRecord::TlsNameKind;
  auto mtls = issuer::create_client(*store, {.name = "mtls",
                                             .auth = Auth::tls_client_auth,
                                             .tls_name = {Kind::san_uri, "spiffe://example.org/w"},
                                             .require_dpop = true});
  auto plain = issuer::create_client(*store, {.name = "plain", .certificate_bound = false});
  EXPECT_TRUE(mtls.secret.empty()) << "an mTLS client has no secret";
  auto again = open();
  auto c = again->find_client(mtls.record.id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->auth, Auth::tls_client_auth);
  EXPECT_EQ(c->tls_name, (store::ClientRecord::TlsName{Kind::san_uri, "spiffe://example.org/w"}));
  EXPECT_TRUE(c->certificate_bound);
  EXPECT_TRUE(c->require_dpop);
  auto p = again->find_client(plain.record.id);
  EXPECT_FALSE(p->certificate_bound);
  EXPECT_FALSE(p->require_dpop);
  EXPECT_EQ(p->tls_name.kind, Kind::none);

  auto updated = issuer::update_client(*again, mtls.record.id,
                                       {.tls_name = store::ClientRecord::TlsName{Kind::subject_dn, "CN=w"},
                                        .require_dpop = false});
  ASSERT_TRUE(updated);
  c = open()->find_client(mtls.record.id);
  EXPECT_EQ(c->tls_name.value, "CN=w");
  EXPECT_FALSE(c->require_dpop);
  EXPECT_THROW(issuer::update_client(*again, mtls.record.id, {.certificate_bound = false}), issuer::InvalidClientInput);
}

TEST(TokenBinding, RoundTripsAndRefusesWhatItDoesNotKnow) {
  store::ClientRecord c;
  EXPECT_EQ(store::token_binding_json(c), "") << "the defaults are written as nothing";
  c.tls_name = {store::ClientRecord::TlsNameKind::san_dns, "a.example"};
  c.require_dpop = true;
  c.certificate_bound = false;
  store::ClientRecord back;
  ASSERT_TRUE(store::read_token_binding(store::token_binding_json(c), back));
  EXPECT_EQ(back.tls_name, c.tls_name);
  EXPECT_TRUE(back.require_dpop);
  EXPECT_FALSE(back.certificate_bound);
  EXPECT_FALSE(store::read_token_binding("[]", back));
  EXPECT_FALSE(store::read_token_binding("{\"dpop_bound_access_tokens\":1}", back));
  EXPECT_FALSE(store::read_token_binding("{\"other\":true}", back));
}

TEST_P(StoreTest, ChangeCounterSeesOtherConnectionsCommits) {
  auto reader_store = open();
  auto& reader = *reader_store;
  auto writer_store = open();
  auto& writer = *writer_store;
  auto before = reader.change_counter();
  issuer::create_client(writer, {.name = "x", .scope = "", .audience = "", .token_ttl = 0});
  EXPECT_NE(reader.change_counter(), before);
}

// Two overlapping edits: one narrows the scopes (a new generation, the old one revoked), the other
// read the client before and writes after. Its write must not bring the revoked generation back.
TEST_P(StoreTest, AWriteOverARevokedGenerationIsRefusedAndRedone) {
  auto store = open();
  auto other = open();
  auto created = issuer::create_client(*store, {.name = "svc", .scope = "admin read", .audience = "", .token_ttl = 0});
  auto stale = store->find_client(created.record.id);  // read by the slow edit
  ASSERT_TRUE(issuer::update_client(*other, created.record.id, {.name = {}, .scope = "read", .audience = {}, .token_ttl = {}}));
  auto narrowed = other->find_client(created.record.id);
  ASSERT_NE(narrowed->generation, stale->generation);

  stale->name = "renamed";
  std::string read_generation = stale->generation;
  EXPECT_THROW(store->update_client(*stale, {}, nullptr, &read_generation), store::ConcurrentChange);
  EXPECT_EQ(open()->find_client(created.record.id)->generation, narrowed->generation) << "nothing written";
  // Through the registry, the edit is redone on what is there now.
  ASSERT_TRUE(issuer::update_client(*store, created.record.id, {.name = "renamed", .scope = {}, .audience = {}, .token_ttl = {}}));
  auto now = open()->find_client(created.record.id);
  EXPECT_EQ(now->name, "renamed");
  EXPECT_EQ(now->scopes, (std::vector<std::string>{"read"}));
  EXPECT_EQ(now->generation, narrowed->generation);
  std::string gone = "no-such-generation";
  store::ClientRecord missing = *now;
  missing.id = "no-such-client";
  EXPECT_FALSE(store->update_client(missing, {}, nullptr, &gone)) << "no such client is not a conflict";
}

TEST_P(StoreTest, RevocationsPersistExpireAndAreIdempotent) {
  using Kind = store::RevocationRecord::Kind;
  {
    auto store = open();
    auto& s = *store;
    s.add_revocation({Kind::token, "jti-1", "c", 100, 1000});
    s.add_revocation({Kind::token, "jti-1", "c", 100, 2000});  // again: one row, the later expiry
    s.add_revocation({Kind::generation, "gen-1", "c", 100, 500});
  }
  auto store = open();
  auto& s = *store;
  EXPECT_EQ(s.list_revocations(0).size(), 2u);
  auto live = s.list_revocations(600);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].key, "jti-1");
  EXPECT_EQ(live[0].expires_at, 2000);
  EXPECT_EQ(s.purge_revocations(600), 1);
  EXPECT_EQ(s.list_revocations(0).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(test_support::Backend::sqlite, test_support::Backend::postgres),
                         test_support::backend_name);

}  // namespace
