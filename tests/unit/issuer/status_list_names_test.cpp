// Status list names that cannot be made up: a tag under the deployment's key, checked by any node.
#include "issuer/status_list_names.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "issuer/token_status.hpp"

using namespace tokengate::issuer;

namespace {

const StatusListNames kNames(std::string(32, 'k'), /*untagged_until=*/1000);

TEST(StatusListNames, ListsOpenedHereCarryATagEveryNodeAccepts) {
  auto position = next_status_position("genTagged", &kNames);
  std::string list = position.list;
  ASSERT_TRUE(is_status_list_id(list)) << list;
  EXPECT_EQ(std::count(list.begin(), list.end(), '.'), 3);
  EXPECT_TRUE(kNames.may_exist(list, 2000));
  // Another node: the same key, nothing else in common.
  StatusListNames other_node(std::string(32, 'k'), 0);
  EXPECT_TRUE(other_node.may_exist(list, 2000));
  // The jti names the same list, and revocation by jti finds it.
  std::string jti = list + "." + std::to_string(position.index);
  auto id = parse_token_id(jti);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->list, list);
  EXPECT_EQ(id->generation, "genTagged");
}

TEST(StatusListNames, MadeUpNamesAreRefused) {
  std::string list = next_status_position("genMadeUp", &kNames).list;
  std::string untagged = list.substr(0, list.rfind('.'));
  std::string other_segment = untagged.substr(0, untagged.rfind('.')) + ".7";
  EXPECT_FALSE(kNames.may_exist(other_segment + "." + list.substr(list.rfind('.') + 1), 2000)) << "a tag for another list";
  EXPECT_FALSE(kNames.may_exist(untagged + ".AAAAAAAAAAAAAAAA", 2000)) << "a guessed tag";
  StatusListNames another_deployment(std::string(32, 'x'), 0);
  EXPECT_FALSE(another_deployment.may_exist(list, 2000)) << "another key";
  // Untagged names (from before tags) only while their tokens may live.
  EXPECT_TRUE(kNames.may_exist(untagged, 999));
  EXPECT_FALSE(kNames.may_exist(untagged, 1000));
  EXPECT_FALSE(is_status_list_id(untagged + ".short")) << "a tag has 16 characters";
}

}  // namespace
