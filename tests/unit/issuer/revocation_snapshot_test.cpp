// The revocation snapshot grows by layers: adding a revocation copies only the recent layer, and
// the recent layer is folded into the base once it outgrows an eighth of it.
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
  EXPECT_EQ(next->recent_size(), 3u) << "the base was shared, not copied";
  auto indexes = next->revoked_indexes("g.t.0");
  EXPECT_EQ(indexes.size(), 4001u);
  EXPECT_NE(std::find(indexes.begin(), indexes.end(), 1u), indexes.end());
  auto lists = next->lists();
  std::sort(lists.begin(), lists.end());
  EXPECT_EQ(lists, (std::vector<std::string>{"g.t.0", "g.t.1"}));
  // Again: nothing new, nothing counted twice.
  EXPECT_EQ(next->with({token("g.t.0", 1), token("g.t.0", 2)})->size(), 4003u);
}

TEST(RevocationSnapshot, TheRecentLayerIsFoldedOnceItOutgrowsAnEighthOfTheBase) {
  std::vector<store::RevocationRecord> base;
  for (uint32_t i = 0; i < 8000; ++i) base.push_back(token("g.t.0", i));
  std::shared_ptr<const issuer::RevocationSnapshot> s = std::make_shared<const issuer::RevocationSnapshot>(base);
  size_t largest_recent = 0;
  for (uint32_t i = 0; i < 3000; ++i) {
    s = s->with({token("g.t.1", i)});
    largest_recent = std::max(largest_recent, s->recent_size());
  }
  EXPECT_EQ(s->size(), 11000u);
  EXPECT_LE(largest_recent, 11000u / 8) << "never more than an eighth of the base is copied per revocation";
  EXPECT_LT(s->recent_size(), 3000u) << "folded at least once";
  for (uint32_t i = 0; i < 3000; i += 97) EXPECT_TRUE(s->token_revoked("g.t.1." + std::to_string(i)));
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
