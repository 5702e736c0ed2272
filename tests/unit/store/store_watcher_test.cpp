// The store watcher on a real SQLite file: a change committed through another connection (as the
// CLI or another node commits it) causes a reload; a reload that fails makes it unhealthy until
// one succeeds; reload_now is for this process's own writes.
#include "store/store_watcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/secret_digest.hpp"
#include "support/temp_store.hpp"

using namespace tokengate;
using namespace std::chrono_literals;

namespace {

// Waits for `condition`, at most `limit`.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 3000ms) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

store::ClientRecord client(const std::string& id) {
  store::ClientRecord c;
  c.id = id;
  c.name = id;
  c.secret_digest = common::digest_secret("s");
  c.generation = "gen-" + id;
  return c;
}

class StoreWatcherTest : public test_support::TempStoreTest {};

}  // namespace

TEST_F(StoreWatcherTest, LoadsAtStartThenAgainWhenAnotherConnectionCommits) {
  auto store = open();
  std::atomic<int> reloads{0};
  store::StoreWatcher watcher(*store, [&] { return ++reloads, int64_t{0}; }, 20ms);
  watcher.start();
  EXPECT_EQ(reloads.load(), 1) << "start() loads once, on the calling thread";
  EXPECT_EQ(watcher.snapshot_age(), 0);
  EXPECT_TRUE(watcher.healthy());

  auto cli = open();  // another connection: the CLI, another node
  cli->insert_client(client("from-elsewhere"), nullptr);
  EXPECT_TRUE(eventually([&] { return reloads.load() >= 2; })) << "a commit elsewhere is noticed";
  int settled = reloads.load();
  std::this_thread::sleep_for(200ms);  // ten polls with nothing committed: nothing to reload
  EXPECT_EQ(reloads.load(), settled);
  watcher.stop();
}

TEST_F(StoreWatcherTest, AFailingReloadIsUnhealthyUntilOneSucceeds) {
  auto store = open();
  std::atomic<bool> failing{false};
  std::atomic<int> reloads{0};
  store::StoreWatcher watcher(*store, [&]() -> int64_t {
    ++reloads;
    if (failing) throw std::runtime_error("the database went away");
    return 0;
  }, 20ms);
  watcher.start();
  failing = true;
  open()->insert_client(client("a"), nullptr);
  EXPECT_TRUE(eventually([&] { return !watcher.healthy(); })) << "a failed reload is reported";
  int before = reloads.load();
  EXPECT_TRUE(eventually([&] { return reloads.load() > before + 2; })) << "and retried while unhealthy";
  failing = false;
  EXPECT_TRUE(eventually([&] { return watcher.healthy(); })) << "healthy again once a reload succeeds";
  watcher.stop();
}

TEST_F(StoreWatcherTest, ReloadNowIsForThisProcesssOwnWritesAndErrorsReachTheCaller) {
  auto store = open();
  std::atomic<int> reloads{0};
  std::atomic<bool> failing{false};
  store::StoreWatcher watcher(*store, [&]() -> int64_t {
    ++reloads;
    if (failing) throw std::runtime_error("no");
    return 0;
  }, 1000ms);
  watcher.start();
  store->insert_client(client("mine"), nullptr);
  watcher.reload_now();
  EXPECT_EQ(reloads.load(), 2);
  failing = true;
  EXPECT_THROW(watcher.reload_now(), std::runtime_error);
  watcher.stop();
}

TEST_F(StoreWatcherTest, AStartThatCannotLoadThrows) {
  auto store = open();
  store::StoreWatcher watcher(*store, []() -> int64_t { throw std::runtime_error("no key can be opened"); });
  EXPECT_THROW(watcher.start(), std::runtime_error);
}
