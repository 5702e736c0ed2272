// The revocation snapshot grows by layers: adding a revocation copies only the small recent layer;
// full layers are folded into the one below, the base only once in 4,096 additions.
#include "issuer/revocation_snapshot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "issuer/revocation_updates.hpp"

using namespace tokengate;
using Kind = store::RevocationRecord::Kind;

namespace {

store::RevocationRecord token(const std::string& list, uint32_t index) {
  return {Kind::token, list + "." + std::to_string(index), "c", 1, 100};
}

TEST(RevocationSnapshot, AddedRevocationsAreSeenWithTheOldOnes) {
  std::vector<store::RevocationRecord> base;
  for (uint32_t i = 0; i < 4000; ++i) base.push_back(token("g.t.0", i * 2));
  auto snapshot = std::make_shared<const issuer::RevocationSnapshot>(base);
  auto next = snapshot->with({token("g.t.0", 1), token("g.t.1", 5), {Kind::generation, "g2", "c", 1, 100}});
  EXPECT_TRUE(next->token_revoked("g.t.0.1"));
  EXPECT_TRUE(next->token_revoked("g.t.0.2"));
  EXPECT_FALSE(snapshot->token_revoked("g.t.0.1")) << "the old snapshot is unchanged";
  EXPECT_TRUE(next->generation_revoked("g2"));
  EXPECT_EQ(next->size(), 4003u);
  EXPECT_EQ(next->base_size(), 4000u) << "the base was shared, not copied";
  auto indexes = next->revoked_indexes("g.t.0");
  EXPECT_EQ(indexes.size(), 4001u);
  EXPECT_NE(std::find(indexes.begin(), indexes.end(), 1u), indexes.end());
  auto lists = next->lists();
  std::sort(lists.begin(), lists.end());
  EXPECT_EQ(lists, (std::vector<std::string>{"g.t.0", "g.t.1"}));
  // Again: nothing new, no new snapshot (signed status lists stay cached).
  EXPECT_EQ(next->with({token("g.t.0", 1), token("g.t.0", 2)}), nullptr);
  EXPECT_EQ(next->with({token("g.t.0", 3), token("g.t.0", 3)})->size(), 4004u) << "counted once";
}

TEST(RevocationSnapshot, FullLayersAreFoldedIntoTheOnesBelow) {
  std::vector<store::RevocationRecord> base;
  for (uint32_t i = 0; i < 8000; ++i) base.push_back(token("g.t.0", i));
  std::shared_ptr<const issuer::RevocationSnapshot> s = std::make_shared<const issuer::RevocationSnapshot>(base);
  size_t largest_above_base = 0;
  for (uint32_t i = 0; i < 9000; ++i) {
    s = s->with({token("g.t.1", i)});
    largest_above_base = std::max(largest_above_base, s->size() - s->base_size());
  }
  EXPECT_EQ(s->size(), 17000u);
  EXPECT_LE(largest_above_base, 4096u + 64u) << "what lies above the base stays small";
  EXPECT_GT(s->base_size(), 8000u) << "the base was folded into at least once";
  for (uint32_t i = 0; i < 9000; i += 97) EXPECT_TRUE(s->token_revoked("g.t.1." + std::to_string(i)));
  EXPECT_EQ(s->revoked_indexes("g.t.1").size(), 9000u);
}

TEST(RevocationUpdates, ARebuildKeepsWhatThisNodeRevokedWhileItRead) {
  store::SnapshotCell<issuer::RevocationSnapshot> cell{std::make_shared<const issuer::RevocationSnapshot>()};
  issuer::RevocationUpdates updates(cell);
  updates.add({token("g.t.0", 1)}, /*local=*/true);
  updates.begin_rebuild();
  auto read_before = std::vector{token("g.t.0", 1)};  // what the store held when it was read
  updates.add({token("g.t.0", 2)}, /*local=*/true);  // revoked here during the read
  updates.replace(std::make_shared<const issuer::RevocationSnapshot>(read_before));
  EXPECT_TRUE(cell.load()->token_revoked("g.t.0.1"));
  EXPECT_TRUE(cell.load()->token_revoked("g.t.0.2"));
}

}  // namespace
