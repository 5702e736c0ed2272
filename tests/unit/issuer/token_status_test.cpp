// Status-list positions: handed out per thread without a lock, never twice, and read back from a jti.
#include "issuer/token_status.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

using namespace tokengate::issuer;

namespace {

TEST(TokenStatus, AGenerationsTokensShareAListInAnOrderThatCountsNothing) {
  std::string list = next_status_position("genA").list;
  std::vector<uint32_t> indexes;
  for (int i = 0; i < 64; ++i) {
    auto p = next_status_position("genA");
    EXPECT_EQ(p.list, list);
    indexes.push_back(p.index);
  }
  // Not handed out in counting order: an index does not say how many tokens came before it.
  int steps_of_one = 0;
  for (size_t i = 1; i < indexes.size(); ++i) steps_of_one += indexes[i] == indexes[i - 1] + 1;
  EXPECT_LT(steps_of_one, 8);
  EXPECT_NE(next_status_position("genB").list, list);  // another generation, another list
  EXPECT_EQ(list.substr(0, 5), "genA.");
}

TEST(TokenStatus, AFullListUsesEveryIndexOnceThenTheNextSegment) {
  auto first = next_status_position("genFull");
  std::vector<bool> seen(kStatusListSize);
  seen[first.index] = true;
  std::string first_list = first.list;
  std::string last_list;
  for (uint32_t i = 1; i < kStatusListSize; ++i) {
    auto p = next_status_position("genFull");
    last_list = p.list;
    EXPECT_FALSE(seen[p.index]) << "index " << p.index << " handed out twice";
    seen[p.index] = true;
  }
  EXPECT_EQ(last_list, first_list);
  auto next = next_status_position("genFull");
  EXPECT_NE(next.list, first_list);
  EXPECT_EQ(next.list.substr(next.list.rfind('.')), ".1");
}

TEST(TokenStatus, ThreadsNeverShareAPosition) {
  std::set<std::string> a, b;
  auto draw = [](std::set<std::string>& out) {
    for (int i = 0; i < 1000; ++i) {
      auto p = next_status_position("shared");
      out.insert(p.list + "." + std::to_string(p.index));
    }
  };
  std::thread t1(draw, std::ref(a)), t2(draw, std::ref(b));
  t1.join();
  t2.join();
  EXPECT_EQ(a.size(), 1000u);
  for (const auto& id : b) EXPECT_EQ(a.count(id), 0u);
}

TEST(TokenStatus, ParsesOurJtisAndRefusesEverythingElse) {
  auto id = parse_token_id("g3n.AbCdEfGhIjKl.2.65535");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->generation, "g3n");
  EXPECT_EQ(id->list, "g3n.AbCdEfGhIjKl.2");
  EXPECT_EQ(id->index, 65535u);
  for (const char* bad : {"", "abc", "a.b.c", "a.b.0.65536", "a.b.01.1", "a.b.c.1", "a..0.1", "a/b.c.0.1",
                          "a.b.0.-1", "x5xd1Q3k2fQyWq8VZzw8gA"}) {
    EXPECT_FALSE(parse_token_id(bad)) << bad;
  }
  EXPECT_TRUE(is_status_list_id("g3n.AbCdEfGhIjKl.0"));
  EXPECT_FALSE(is_status_list_id("../../etc/passwd"));
  EXPECT_FALSE(is_status_list_id(std::string(200, 'a') + ".b.0"));
}

}  // namespace
