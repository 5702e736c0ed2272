#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>

#include "common/secret_digest.hpp"
#include "issuer/client_registry.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

using SqliteStoreTest = test_support::TempStoreTest;

TEST_F(SqliteStoreTest, ClientsPersistAcrossConnections) {
  std::string id;
  {
    store::sqlite::SqliteStore s(path);
    auto created = issuer::create_client(s, {.name = "svc", .scope = "read write", .audience = "api", .token_ttl = 60});
    id = created.record.id;
    EXPECT_TRUE(common::secret_matches(created.secret, created.record.secret_digest));
  }
  store::sqlite::SqliteStore again(path);
  auto c = again.find_client(id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "svc");
  EXPECT_EQ(c->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(c->audience, "api");
  EXPECT_EQ(c->token_ttl, 60);
  EXPECT_TRUE(c->enabled);
}

TEST_F(SqliteStoreTest, FileIsPrivate) {
  store::sqlite::SqliteStore s(path);
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST_F(SqliteStoreTest, ChangeCounterSeesOtherConnectionsCommits) {
  store::sqlite::SqliteStore reader(path);
  store::sqlite::SqliteStore writer(path);
  auto before = reader.change_counter();
  issuer::create_client(writer, {.name = "x", .scope = "", .audience = "", .token_ttl = 0});
  EXPECT_NE(reader.change_counter(), before);
}

TEST_F(SqliteStoreTest, NotADatabaseIsAClearError) {
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not an SQLite database, just some text that is long enough to have a header", f);
    std::fclose(f);
  }
  EXPECT_THROW(store::sqlite::SqliteStore s(path), store::StoreError);
}

}  // namespace
