#include "client/key_refresh_policy.hpp"

namespace tokengate::client {

KeyRefreshPolicy::Action KeyRefreshPolicy::decide(const Cache& cache, bool kid_known, Clock::time_point now) const {
  auto age = now - cache.fetched_at;
  bool stale = !cache.fetched_once || age > max_age;
  bool may_refetch = !cache.fetched_once || age > unknown_kid_interval;
  if (kid_known && !stale) return Action::answer_now;
  // An unknown kid, too soon after the last fetch: the answer stays what it was.
  if (!kid_known && !may_refetch && !cache.fetching) return Action::answer_now;
  return Action::wait_for_fetch;
}

}  // namespace tokengate::client
