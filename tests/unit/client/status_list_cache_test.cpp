// libtokengate's status list cache against the Status List Tokens issuer mode signs
// (issuer/status_list.hpp), fetched through a function: revoked and valid entries, the list kept
// for its TTL, and every way a list can be unusable named.
#include "client/status_list_cache.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include <boost/json/parse.hpp>

#include "issuer/key_rotation.hpp"
#include "issuer/key_set.hpp"
#include "issuer/status_list.hpp"
#include "issuer/token_status.hpp"
#include "tokengate/error.hpp"

using namespace tokengate;

namespace {

const std::string kUri = "https://issuer.test/statuslists/g.T.0.tag";

struct Lists : ::testing::Test {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::shared_ptr<const issuer::KeySet> keys =
      issuer::KeySet::build({issuer::generate_key_record(jose::Algorithm::ES256, now - 10)}, now);
  int fetches = 0;

  // A list whose entries `revoked` are set.
  std::string list_token(const std::vector<uint32_t>& revoked, const std::string& uri = kUri) {
    std::string bits(issuer::kStatusListSize / 8, '\0');
    for (uint32_t i : revoked) bits[i / 8] = static_cast<char>(bits[i / 8] | (1u << (i % 8)));
    return issuer::status_list_token(*keys, uri, issuer::encode_status_list(bits), now);
  }
  client::StatusListCache::Fetcher serving(std::string token) {
    return [this, token](const std::string&) {
      ++fetches;
      return token;
    };
  }
};

using State = client::StatusListCache::Lookup::State;

State state_of(const std::variant<client::StatusListCache::Lookup, std::string>& r) {
  if (auto* e = std::get_if<std::string>(&r)) {
    ADD_FAILURE() << *e;
    return State::unknown;
  }
  return std::get<client::StatusListCache::Lookup>(r).state;
}

std::string error_of(const std::variant<client::StatusListCache::Lookup, std::string>& r) {
  auto* e = std::get_if<std::string>(&r);
  return e ? *e : "(no error)";
}

}  // namespace

TEST_F(Lists, SaysRevokedOrValidAndKeepsTheListForItsTtl) {
  client::StatusListCache cache(10, std::chrono::seconds(60));
  EXPECT_EQ(cache.lookup(kUri, 5).state, State::unknown);
  auto fetch = serving(list_token({5, 4095}));
  EXPECT_EQ(state_of(cache.fetch_and_lookup(kUri, 5, fetch, keys->public_keys, "https://issuer.test")), State::revoked);
  EXPECT_EQ(cache.lookup(kUri, 4095).state, State::revoked);
  EXPECT_EQ(cache.lookup(kUri, 6).state, State::valid);
  EXPECT_GT(cache.lookup(kUri, 6).fresh_until, std::chrono::steady_clock::now());
  EXPECT_EQ(state_of(cache.fetch_and_lookup(kUri, 7, fetch, keys->public_keys, "https://issuer.test")), State::valid);
  EXPECT_EQ(fetches, 1) << "kept: not fetched again within its ttl";
}

TEST_F(Lists, NamesWhatIsWrongWithAListItCannotUse) {
  client::StatusListCache cache(10, std::chrono::seconds(60));
  const auto& pk = keys->public_keys;
  EXPECT_NE(error_of(cache.fetch_and_lookup(kUri, 1, serving(list_token({}, kUri + "-other")), pk, "")).find("another list"),
            std::string::npos);
  auto stranger = issuer::KeySet::build({issuer::generate_key_record(jose::Algorithm::ES256, now - 10)}, now);
  EXPECT_NE(error_of(cache.fetch_and_lookup(kUri, 1, serving(list_token({})), stranger->public_keys, "")).find("not valid"),
            std::string::npos);
  EXPECT_NE(error_of(cache.fetch_and_lookup(kUri, 1, serving("garbage"), pk, "")).find("not valid"), std::string::npos);
  auto unreachable = [](const std::string&) -> std::string {
    throw Error(Error::Code::unreachable, "connect: connection refused");
  };
  EXPECT_NE(error_of(cache.fetch_and_lookup(kUri, 1, unreachable, pk, "")).find("could not be fetched"), std::string::npos);
  EXPECT_EQ(cache.lookup(kUri, 1).state, State::unknown) << "nothing unusable is kept";
}

TEST_F(Lists, KeepsABoundedNumberOfLists) {
  client::StatusListCache cache(2, std::chrono::seconds(60));
  for (int i = 0; i < 5; ++i) {
    std::string uri = kUri + std::to_string(i);
    EXPECT_EQ(state_of(cache.fetch_and_lookup(uri, 0, serving(list_token({}, uri)), keys->public_keys, "")), State::valid);
  }
  int kept = 0;
  for (int i = 0; i < 5; ++i) kept += cache.lookup(kUri + std::to_string(i), 0).state != State::unknown;
  EXPECT_EQ(kept, 2);
}

TEST(StatusEntry, ReadsTheClaimAndRefusesWhatCannotBeFetchedSafely) {
  std::string problem;
  auto claims = [](const char* json) { return boost::json::parse(json).as_object(); };
  EXPECT_FALSE(client::status_entry(claims(R"({"sub":"x"})"), true, problem));
  auto e = client::status_entry(claims(R"({"status":{"status_list":{"idx":7,"uri":"https://i/l"}}})"), true, problem);
  ASSERT_TRUE(e);
  EXPECT_TRUE(problem.empty());
  EXPECT_EQ(e->index, 7u);
  EXPECT_EQ(e->uri, "https://i/l");
  client::status_entry(claims(R"({"status":{"status_list":{"idx":7,"uri":"http://i/l"}}})"), true, problem);
  EXPECT_NE(problem.find("https"), std::string::npos) << "an https issuer's list must be https";
  problem.clear();
  client::status_entry(claims(R"({"status":{"status_list":{"idx":-1,"uri":"https://i/l"}}})"), true, problem);
  EXPECT_FALSE(problem.empty());
}
