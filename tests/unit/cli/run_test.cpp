// The command line in process: argument handling, exit codes (0 done, 2 usage or configuration,
// 1 anything else) and the messages a user reads, on a real SQLite store in a directory of its own.
#include "cli/run.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <sstream>
#include <vector>

#include <boost/json/parse.hpp>

namespace {

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

// Runs `tokengate ARGS...`, its std::cout and std::cerr captured.
Outcome run_tokengate(std::vector<std::string> args) {
  args.insert(args.begin(), "tokengate");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  int code = tokengate::cli::run(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  return {code, out.str(), err.str()};
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tokengate-cli-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir() const { return dir_.string(); }

  std::filesystem::path dir_;
};

}  // namespace

TEST_F(Cli, NoCommandOrAnUnknownOneIsAUsageError) {
  auto none = run_tokengate({});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("subcommand"), std::string::npos) << none.err;
  auto unknown = run_tokengate({"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  auto version = run_tokengate({"version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out, std::string("tokengate ") + TOKENGATE_VERSION + "\n");
}

TEST_F(Cli, AClientIsCreatedListedShownAndItsSecretPrintedOnce) {
  auto created = run_tokengate({"client", "create", "--name", "reports", "--scope", "read write", "--data-dir", dir(), "--json"});
  ASSERT_EQ(created.code, 0) << created.err;
  auto o = boost::json::parse(created.out).as_object();
  std::string id(o.at("client_id").as_string());
  std::string secret(o.at("client_secret").as_string());
  EXPECT_GE(secret.size(), 43u);

  auto shown = run_tokengate({"client", "show", id, "--data-dir", dir()});
  EXPECT_EQ(shown.code, 0) << shown.err;
  EXPECT_NE(shown.out.find("reports"), std::string::npos);
  EXPECT_NE(shown.out.find("read write"), std::string::npos);
  EXPECT_EQ(shown.out.find(secret), std::string::npos) << "the secret is shown once, at creation";

  auto listed = run_tokengate({"client", "list", "--data-dir", dir(), "--json"});
  EXPECT_EQ(listed.code, 0);
  EXPECT_NE(listed.out.find(id), std::string::npos);
  EXPECT_EQ(listed.out.find(secret), std::string::npos);
  auto plain = run_tokengate({"client", "list", "--data-dir", dir()});
  EXPECT_EQ(plain.code, 0);
  EXPECT_NE(plain.out.front(), '[') << "a flag of one run (--json) does not leak into the next: " << plain.out;
  EXPECT_NE(plain.out.find(id), std::string::npos);
}

TEST_F(Cli, MistakesGetExitCodeTwoAndAMessageThatSaysWhatToChange) {
  auto no_name = run_tokengate({"client", "create", "--data-dir", dir()});
  EXPECT_EQ(no_name.code, 2);
  EXPECT_NE(no_name.err.find("--name"), std::string::npos) << no_name.err;

  auto bad_ttl = run_tokengate({"client", "create", "--name", "x", "--ttl", "-5", "--data-dir", dir()});
  EXPECT_EQ(bad_ttl.code, 2);
  EXPECT_FALSE(bad_ttl.err.empty());

  auto not_a_number = run_tokengate({"client", "create", "--name", "x", "--ttl", "soon", "--data-dir", dir()});
  EXPECT_EQ(not_a_number.code, 2);
  EXPECT_NE(not_a_number.err.find("--ttl"), std::string::npos) << not_a_number.err;

  auto bad_listen = run_tokengate({"serve", "--listen", "not-an-address", "--data-dir", dir() + "/serve"});
  EXPECT_EQ(bad_listen.code, 2);
  EXPECT_NE(bad_listen.err.find("config"), std::string::npos) << bad_listen.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "serve" / "tokengate.db")) << "a configuration error writes nothing";
}

TEST_F(Cli, WhatIsNotThereIsAnErrorNotANewEmptyStore) {
  ASSERT_EQ(run_tokengate({"client", "create", "--name", "x", "--data-dir", dir()}).code, 0);
  auto missing = run_tokengate({"client", "show", "no-such-client", "--data-dir", dir()});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no client with ID 'no-such-client'"), std::string::npos) << missing.err;

  auto typo = run_tokengate({"client", "list", "--data-dir", dir() + "/typo"});
  EXPECT_NE(typo.code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "typo" / "tokengate.db"));
}

TEST_F(Cli, AKidThatStartsWithADashIsStillAKid) {
  // A kid or jti is base64url and may start with '-': the parser would take it for an option.
  ASSERT_EQ(run_tokengate({"key", "rotate", "--data-dir", dir()}).code, 0) << "a store with a key";
  auto r = run_tokengate({"key", "retire", "-abc", "--now", "--data-dir", dir()});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("no key with kid '-abc'"), std::string::npos) << r.err;
  auto without = run_tokengate({"key", "retire", "--now", "--data-dir", dir()});
  EXPECT_EQ(without.code, 2) << without.err;
}
