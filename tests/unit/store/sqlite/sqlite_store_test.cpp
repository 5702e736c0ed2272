#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>

#include "common/secret_digest.hpp"
#include "issuer/client_registry.hpp"
#include "store/sqlite/sqlite_handle.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;

namespace {

using SqliteStoreTest = test_support::TempStoreTest;

TEST_F(SqliteStoreTest, FileIsPrivate) {
  store::sqlite::SqliteStore s(path);
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST_F(SqliteStoreTest, NotADatabaseIsAClearError) {
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not an SQLite database, just some text that is long enough to have a header", f);
    std::fclose(f);
  }
  EXPECT_THROW(store::sqlite::SqliteStore s(path), store::StoreError);
}

TEST_F(SqliteStoreTest, AStoreOfSchemaOneIsMigrated) {
  {  // what tokengate 0.1 wrote
    store::sqlite::Connection c(path, true);
    c.exec(R"sql(
CREATE TABLE clients (id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_sha256 BLOB NOT NULL,
  scopes TEXT NOT NULL DEFAULT '', audience TEXT NOT NULL DEFAULT '', token_ttl INTEGER NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, alg TEXT NOT NULL, private_pem TEXT NOT NULL,
  created_at INTEGER NOT NULL, retired_at INTEGER);
CREATE UNIQUE INDEX one_active_key ON signing_keys((retired_at IS NULL)) WHERE retired_at IS NULL;
INSERT INTO clients VALUES ('old', 'old', zeroblob(32), 'a', '', 0, 1, 5, 5);
INSERT INTO signing_keys VALUES ('k', 'ES256', 'pem', 7, NULL);
PRAGMA user_version=1;
)sql");
  }
  store::sqlite::SqliteStore s(path);
  auto c = s.find_client("old");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->generation.size(), 16u);  // given one
  auto keys = s.list_keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].activates_at, 7);  // it has signed since it was made
  EXPECT_TRUE(s.list_revocations(0).empty());
  // It had a key, so tokens in untagged status lists may live: they are served for 31 days more.
  auto until = s.find_secret("untagged_status_lists_until");
  ASSERT_TRUE(until);
  EXPECT_GT(std::stoll(*until), static_cast<long long>(std::time(nullptr)) + 30 * 86400);
}

TEST_F(SqliteStoreTest, SharedValuesAreMadeOnceAndAFreshStoreHasNoUntaggedLists) {
  store::sqlite::SqliteStore s(path);
  EXPECT_FALSE(s.find_secret("untagged_status_lists_until")) << "no key, no token, nothing untagged to serve";
  EXPECT_EQ(s.ensure_secret("k", "first"), "first");
  EXPECT_EQ(s.ensure_secret("k", "second"), "first");  // the first one stays
  EXPECT_EQ(s.find_secret("k"), "first");
}

TEST_F(SqliteStoreTest, AStoreOfANewerSchemaIsRefusedClearly) {
  {
    store::sqlite::Connection c(path, true);
    c.exec("PRAGMA user_version=99");
  }
  try {
    store::sqlite::SqliteStore s(path);
    FAIL() << "opened a store of schema 99";
  } catch (const store::StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

}  // namespace
