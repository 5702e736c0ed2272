// What only the PostgreSQL store has: migrations under an advisory lock, exactly one first key when
// several nodes start at once, a schema newer than the binary refused, change notifications.
#include "store/postgres/postgres_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "issuer/client_registry.hpp"
#include "issuer/key_rotation.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;
using namespace std::chrono_literals;

namespace {

class PostgresStoreTest : public ::testing::Test {
 protected:
  test_support::TempStore temp{test_support::Backend::postgres};
};

TEST_F(PostgresStoreTest, NodesStartingTogetherMigrateOnceAndPublishOneKey) {
  std::vector<std::thread> nodes;
  std::mutex mutex;
  std::set<std::string> kids;
  std::atomic<int> failures{0};
  for (int i = 0; i < 6; ++i) {
    nodes.emplace_back([&] {
      try {
        store::postgres::PostgresStore s(temp.path());  // migrates under the advisory lock
        auto key = issuer::ensure_signing_key(s, jose::Algorithm::ES256);
        std::lock_guard lock(mutex);
        kids.insert(key.kid);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  }
  for (auto& n : nodes) n.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(kids.size(), 1u);
  auto store = temp.open();
  EXPECT_EQ(store->list_keys().size(), 1u);
  EXPECT_EQ(store->migrate(), std::make_pair(7, 7));  // nothing left to do
}

TEST_F(PostgresStoreTest, ASchemaNewerThanTheBinaryIsRefused) {
  {
    store::postgres::PostgresStore s(temp.path());
  }
  store::postgres::Connection(temp.path()).exec("INSERT INTO schema_version VALUES (99, 0)");
  try {
    store::postgres::PostgresStore s(temp.path());
    FAIL() << "opened a store of schema 99";
  } catch (const store::StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("tokengate-test-password"), std::string::npos) << "the password leaked";
  }
}

TEST_F(PostgresStoreTest, AChangeThroughAnotherConnectionIsNotified) {
  auto watcher = temp.open();
  std::atomic<int> notified{0};
  auto feed = watcher->watch_changes([&] { ++notified; });
  ASSERT_TRUE(feed);
  std::this_thread::sleep_for(300ms);  // listening
  int before = notified;
  auto writer = temp.open();
  issuer::create_client(*writer, {.name = "x", .scope = "", .audience = "", .token_ttl = 0});
  for (int i = 0; i < 100 && notified == before; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_GT(notified, before);
  // A statement that changes nothing says nothing (every node purges at every reload).
  std::this_thread::sleep_for(100ms);
  before = notified;
  writer->purge_revocations(0);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(notified, before);
}

TEST_F(PostgresStoreTest, ErrorsNameTheProblemAndNeverThePassword) {
  auto fails = [](const std::string& uri) -> std::string {
    try {
      store::postgres::PostgresStore s(uri);
    } catch (const store::StoreError& e) {
      return e.what();
    }
    return "";
  };
  std::string port = temp.port();
  auto wrong = fails("postgresql://tokengate:not-the-password@127.0.0.1:" + port + "/tokengate");
  EXPECT_NE(wrong.find("password authentication failed"), std::string::npos) << wrong;
  EXPECT_EQ(wrong.find("not-the-password"), std::string::npos) << wrong;
  auto refused = fails("postgresql://tokengate:secret-xyz@127.0.0.1:1/tokengate?connect_timeout=2");
  EXPECT_NE(refused.find("cannot connect to PostgreSQL at postgresql://tokengate@127.0.0.1:1/tokengate"), std::string::npos)
      << refused;
  EXPECT_EQ(refused.find("secret-xyz"), std::string::npos) << refused;
}

}  // namespace
