#pragma once
// Fresh stores for the tests, removed afterwards: an SQLite file in a directory of its own, or a
// PostgreSQL database of its own in the cluster the test setup started (scripts/pg_cluster.sh,
// found through TOKENGATE_TEST_PG_CLUSTER=SOCKET_DIR:PORT).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/postgres/pg_connection.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace tokengate::test_support {

enum class Backend { sqlite, postgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

// A store of the kind asked for; open() gives a new connection to the same one each time.
class TempStore {
 public:
  explicit TempStore(Backend backend) : backend_(backend) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    static std::atomic<int> counter{0};
    std::string unique = std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (backend_ == Backend::sqlite) {
      dir_ = std::filesystem::temp_directory_path() /
             ("tokengate-test-" + unique + "-" + info->test_suite_name() + "-" + info->name());
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      path_ = (dir_ / "tokengate.db").string();
      return;
    }
    const char* cluster = std::getenv("TOKENGATE_TEST_PG_CLUSTER");
    std::string where = cluster ? cluster : "";
    size_t colon = where.rfind(':');
    if (colon == std::string::npos)
      throw std::runtime_error("no PostgreSQL for the tests: TOKENGATE_TEST_PG_CLUSTER (SOCKET_DIR:PORT) is unset "
                               "(ctest's pg.start fixture sets it)");
    std::string socket = where.substr(0, colon);
    port_ = where.substr(colon + 1);
    admin_ = "postgresql:///postgres?host=" + socket + "&port=" + port_ + "&user=postgres";
    database_ = "t_" + unique;
    store::postgres::Connection(admin_).exec("CREATE DATABASE " + database_ + " OWNER tokengate");
    path_ = "postgresql://tokengate:tokengate-test-password@127.0.0.1:" + port_ + "/" + database_;
  }
  ~TempStore() {
    if (backend_ == Backend::sqlite) {
      std::filesystem::remove_all(dir_);
    } else {
      try {
        store::postgres::Connection(admin_).exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
      } catch (...) {
      }
    }
  }

  std::unique_ptr<store::Store> open() const {
    if (backend_ == Backend::sqlite) return std::make_unique<store::sqlite::SqliteStore>(path_);
    return std::make_unique<store::postgres::PostgresStore>(path_);
  }
  Backend backend() const { return backend_; }
  const std::string& path() const { return path_; }  // the file, or the URI
  const std::filesystem::path& dir() const { return dir_; }
  const std::string& port() const { return port_; }

 private:
  Backend backend_;
  std::filesystem::path dir_;
  std::string path_;
  std::string admin_;
  std::string database_;
  std::string port_;
};

// The tests of a suite run against each backend.
class StoreBackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { temp = std::make_unique<TempStore>(GetParam()); }
  void TearDown() override { temp.reset(); }
  std::unique_ptr<store::Store> open() { return temp->open(); }
  std::unique_ptr<TempStore> temp;
};

// An SQLite store only (for tests that need a store but are not about one).
class TempStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    temp = std::make_unique<TempStore>(Backend::sqlite);
    dir = temp->dir();
    path = temp->path();
  }
  void TearDown() override { temp.reset(); }
  std::unique_ptr<store::sqlite::SqliteStore> open() { return std::make_unique<store::sqlite::SqliteStore>(path); }

  std::unique_ptr<TempStore> temp;
  std::filesystem::path dir;
  std::string path;
};

}  // namespace tokengate::test_support
