#pragma once
// A fresh SQLite store in a directory of its own, removed after the test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite/sqlite_store.hpp"

namespace tokengate::test_support {

class TempStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir = std::filesystem::temp_directory_path() /
          ("tokengate-test-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" + info->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    path = (dir / "tokengate.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  std::unique_ptr<store::sqlite::SqliteStore> open() { return std::make_unique<store::sqlite::SqliteStore>(path); }

  std::filesystem::path dir;
  std::string path;
};

}  // namespace tokengate::test_support
