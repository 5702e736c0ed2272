#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>

#include "oauth/client_registry.hpp"
#include "oauth/key_rotation.hpp"

using namespace tokengate;

namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("tokengate-store-test-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    path = (dir / "tokengate.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
  std::string path;
};

TEST_F(SqliteStoreTest, ClientsPersistAcrossConnections) {
  std::string id;
  {
    store::sqlite::SqliteStore s(path);
    auto created = oauth::create_client(s, {.name = "svc", .scope = "read write", .audience = "api", .token_ttl = 60});
    id = created.record.id;
    EXPECT_TRUE(oauth::secret_matches(created.secret, created.record.secret_digest));
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

TEST_F(SqliteStoreTest, RotateDisableDelete) {
  store::sqlite::SqliteStore s(path);
  auto created = oauth::create_client(s, {.name = "svc", .scope = "", .audience = "", .token_ttl = 0});
  auto secret = oauth::rotate_client_secret(s, created.record.id);
  ASSERT_TRUE(secret);
  auto c = s.find_client(created.record.id);
  EXPECT_FALSE(oauth::secret_matches(created.secret, c->secret_digest));
  EXPECT_TRUE(oauth::secret_matches(*secret, c->secret_digest));
  EXPECT_TRUE(oauth::set_client_enabled(s, c->id, false));
  EXPECT_FALSE(s.find_client(c->id)->enabled);
  EXPECT_TRUE(s.delete_client(c->id));
  EXPECT_FALSE(s.delete_client(c->id));
  EXPECT_FALSE(oauth::rotate_client_secret(s, "missing"));
}

TEST_F(SqliteStoreTest, ChangeCounterSeesOtherConnectionsCommits) {
  store::sqlite::SqliteStore reader(path);
  store::sqlite::SqliteStore writer(path);
  auto before = reader.change_counter();
  oauth::create_client(writer, {.name = "x", .scope = "", .audience = "", .token_ttl = 0});
  EXPECT_NE(reader.change_counter(), before);
}

TEST_F(SqliteStoreTest, OneActiveKeyAndRotation) {
  store::sqlite::SqliteStore s(path);
  auto first = oauth::ensure_signing_key(s, jose::Algorithm::ES256);
  EXPECT_EQ(oauth::ensure_signing_key(s, jose::Algorithm::ES256).kid, first.kid);
  auto second = oauth::rotate_signing_key(s, jose::Algorithm::EdDSA);
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

TEST_F(SqliteStoreTest, RotationDeletesKeysNoTokenCanStillNeed) {
  store::sqlite::SqliteStore s(path);
  auto first = oauth::ensure_signing_key(s, jose::Algorithm::ES256);
  int64_t long_ago = static_cast<int64_t>(std::time(nullptr)) - 40 * 24 * 3600;
  auto second = oauth::generate_key_record(jose::Algorithm::ES256, long_ago);
  s.rotate_key(second, long_ago);  // `first` retired 40 days ago
  auto third = oauth::rotate_signing_key(s, jose::Algorithm::ES256);
  std::vector<std::string> kids;
  for (const auto& k : s.list_keys()) kids.push_back(k.kid);
  EXPECT_EQ(kids, (std::vector<std::string>{second.kid, third.kid}));
}

TEST_F(SqliteStoreTest, RejectsInvalidClientInput) {
  store::sqlite::SqliteStore s(path);
  EXPECT_THROW(oauth::create_client(s, {.name = "", .scope = "", .audience = "", .token_ttl = 0}),
               oauth::InvalidClientInput);
  EXPECT_THROW(oauth::create_client(s, {.name = "x", .scope = "a\"b", .audience = "", .token_ttl = 0}),
               oauth::InvalidClientInput);
  EXPECT_THROW(oauth::create_client(s, {.name = "x", .scope = "", .audience = "", .token_ttl = -5}),
               oauth::InvalidClientInput);
  EXPECT_TRUE(s.list_clients().empty());  // nothing half-written
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
