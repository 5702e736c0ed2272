#pragma once
// When a verifier's copy of an issuer's keys may be used as it is, and when a caller must wait for
// a fetch: keys older than `max_age` are fetched again; a token naming an unknown kid may cause a
// fetch (the issuer may have rotated), but at most once per `unknown_kid_interval`, so a flood of
// forged kids cannot turn into a flood of fetches.
#include <chrono>

namespace tokengate::client {

struct KeyRefreshPolicy {
  using Clock = std::chrono::steady_clock;
  std::chrono::milliseconds max_age{std::chrono::minutes(5)};
  std::chrono::milliseconds unknown_kid_interval{std::chrono::seconds(5)};

  struct Cache {
    bool fetched_once = false;   // a fetch has ended (well or not)
    Clock::time_point fetched_at{};
    bool fetching = false;       // a fetch is under way
  };
  enum class Action { answer_now, wait_for_fetch };

  // `kid_known`: the keys are there and hold the kid asked for (or none was asked for).
  Action decide(const Cache& cache, bool kid_known, Clock::time_point now) const;
};

}  // namespace tokengate::client
