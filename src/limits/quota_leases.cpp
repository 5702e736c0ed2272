#include "limits/quota_leases.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/rfc3339.hpp"
#include "store/store.hpp"

namespace tokengate::limits {
namespace {

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::vector<store::QuotaGrant> StoreLeaseSource::claim(const std::vector<store::QuotaClaim>& claims, int64_t now,
                                                       int64_t lease_seconds) {
  auto grants = store_.claim_quota(node_, claims, now, lease_seconds);
  if (now >= next_purge_) {  // periods that ended a day ago are of no more use to anyone
    next_purge_ = now + 3600;
    try {
      store_.purge_quota(now - 86400);
    } catch (const std::exception& e) {
      spdlog::warn("quota: old periods could not be purged: {}", e.what());
    }
  }
  return grants;
}

Refusal quota_refusal(const QuotaAnswer& answer, int64_t now) {
  std::string quota = quota_text(answer.quota);
  std::string policy = "\"quota\";q=" + std::to_string(answer.quota.limit) +
                       ";w=" + std::to_string(answer.window.end - answer.window.start);
  if (answer.kind != QuotaAnswer::Kind::exhausted)
    return Refusal{"The rest of this client's token quota (" + quota +
                       ") is leased to other nodes just now; retry in 1 s.",
                   std::chrono::seconds(1), policy, "\"quota\";r=0;t=1"};
  int64_t wait = std::max<int64_t>(1, answer.window.end - now);
  return Refusal{"This client's token quota of " + quota + " is used up; it resets at " +
                     common::rfc3339(answer.window.end) + " (in " +
                     std::to_string(wait) + " s).",
                 std::chrono::seconds(wait), policy, "\"quota\";r=0;t=" + std::to_string(wait)};
}

QuotaLeases::QuotaLeases(LeaseSource& source, QuotaSettings settings, NowMs now_ms)
    : source_(source), settings_(settings), now_ms_(now_ms ? std::move(now_ms) : NowMs(wall_clock_ms)) {}

QuotaLeases::~QuotaLeases() { stop(); }

int64_t QuotaLeases::lease_size(const Entry& e, int64_t now_ms) const {
  int64_t elapsed = e.last_claim_ms > 0 ? std::max<int64_t>(1, now_ms - e.last_claim_ms) : 1000;
  int64_t rate = e.demand * 1000 / elapsed;
  int64_t want = std::max<int64_t>({1, 2 * rate, static_cast<int64_t>(e.waiters.size())});
  // A lease spent before it was renewed asks for twice as much (its demand is not known yet: the
  // first claim of a period, a burst).
  if (e.want > 0 && e.held * 4 <= e.want) want = std::max(want, 2 * e.want);
  int64_t cap = std::min(settings_.max_lease, std::max<int64_t>(1, e.quota.limit / 20));
  return std::min(want, cap);
}

bool QuotaLeases::renewal_due(const Entry& e, int64_t now_ms) const {
  if (e.exhausted) return false;
  if (e.held > 0 && e.held * 4 <= e.want) return true;  // running low
  // A lease still in use is renewed halfway through its life, before it lapses.
  return e.held > 0 && now_ms - e.last_active_ms < 2 * settings_.report_every.count() &&
         now_ms >= e.last_claim_ms + settings_.lease_seconds * 500;
}

std::optional<QuotaAnswer> QuotaLeases::decide(Entry& e, int64_t now_ms) {
  QuotaAnswer answer{QuotaAnswer::Kind::issued, e.quota, e.window};
  if (e.held > 0 && now_ms < e.lease_until_ms) {
    --e.held;
    ++e.used;
    if (e.held * 4 <= e.want) e.due = true;
    return answer;
  }
  if (e.exhausted) {
    answer.kind = QuotaAnswer::Kind::exhausted;
    return answer;
  }
  // The store is away, or a claim has been out for longer than any answer takes (a database that
  // hangs rather than fails): the quota less what the others had issued when last heard.
  int64_t claim_out_since = claim_started_ms_.load(std::memory_order_relaxed);
  if (local_only() || (claim_out_since > 0 && now_ms - claim_out_since > kOverdueMs)) {
    if (e.used + e.others_used < e.quota.limit) {
      ++e.used;
      return answer;
    }
    answer.kind = QuotaAnswer::Kind::exhausted;
    return answer;
  }
  if (now_ms < e.retry_after_ms) {
    answer.kind = QuotaAnswer::Kind::held_elsewhere;
    return answer;
  }
  return std::nullopt;
}

std::optional<QuotaAnswer> QuotaLeases::take(const std::string& client_id, const Quota& quota, Then later) {
  int64_t now = now_ms_();
  auto& s = shard(client_id);
  std::unique_lock lock(s.mutex);
  Entry& e = s.entries[client_id];
  // The period is worked out again only when the time has left it (a month's takes calendar
  // arithmetic, not for every grant).
  int64_t now_s = now / 1000;
  QuotaWindow window = e.quota.period == quota.period && now_s >= e.window.start && now_s < e.window.end
                           ? e.window
                           : quota_window(quota.period, now_s);
  if (e.window.start != window.start) {  // a new period
    if (e.used != e.reported) {  // the last period's last tokens still go on record
      std::lock_guard finals(finals_mutex_);
      finals_.push_back(store::QuotaClaim{client_id, e.window.start, e.window.end, e.quota.limit, e.used, 0, false});
    }
    auto waiters = std::move(e.waiters);
    e = Entry{};
    e.waiters = std::move(waiters);
    e.window = window;
    e.quota = quota;
  } else if (e.quota != quota) {
    // Changed within the period (or another period that starts now, which the store counts in the
    // same row): what was issued still counts; the lease, taken for the old quota, does not.
    e.quota = quota;
    e.window = window;
    e.held = 0;
    e.exhausted = false;
  }
  e.last_active_ms = now;
  bool was_due = e.due;
  auto answer = decide(e, now);
  if (answer) {
    ++e.demand;
    if (answer->kind == QuotaAnswer::Kind::issued) {
      issued_.fetch_add(1, std::memory_order_relaxed);
    } else {
      // Only a refusal for a quota used up is told to the store (which audits the first).
      if (answer->kind == QuotaAnswer::Kind::exhausted) e.refused = true;
      refusals_.fetch_add(1, std::memory_order_relaxed);
    }
    bool renew = e.due && !was_due;
    lock.unlock();
    if (renew) wake();
    return answer;
  }
  if (!later) return std::nullopt;  // (counted when it is asked again, with `later`)
  ++e.demand;
  // Bounded in all, and per client: one client's burst cannot take every other client's places.
  if (waiting_.load(std::memory_order_relaxed) >= settings_.max_waiting ||
      e.waiters.size() >= std::max<size_t>(1, settings_.max_waiting / 10))
    return QuotaAnswer{QuotaAnswer::Kind::busy, quota, window};
  e.waiters.push_back(Waiter{std::move(later)});
  waiting_.fetch_add(1, std::memory_order_relaxed);
  e.due = true;
  lock.unlock();
  wake();
  return std::nullopt;
}

void QuotaLeases::sync(bool give_back) {
  std::lock_guard one_at_a_time(sync_mutex_);
  int64_t now = now_ms_();
  std::vector<store::QuotaClaim> claims;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (auto it = s.entries.begin(); it != s.entries.end();) {
      Entry& e = it->second;
      if (now / 1000 >= e.window.end && e.waiters.empty()) {  // a past period, nothing owed to it
        if (e.used != e.reported) {  // its last tokens still go on record
          claims.push_back(store::QuotaClaim{it->first, e.window.start, e.window.end, e.quota.limit, e.used, 0, false});
          e.reported = e.used;
          ++it;
          continue;
        }
        it = s.entries.erase(it);
        continue;
      }
      bool report = e.used != e.reported && now - e.last_claim_ms >= settings_.report_every.count();
      // A lease nobody has drawn on for two report intervals goes back, for the nodes that need it.
      bool quiet = now - e.last_active_ms >= 2 * settings_.report_every.count();
      bool idle = quiet && e.held > 0;
      bool wanted = !e.exhausted && (!e.waiters.empty() || (!quiet && (e.due || renewal_due(e, now))));
      bool tell_refusal = e.refused && !e.refusal_told;
      if (give_back) {
        wanted = false;
        report = e.used != e.reported;
        idle = e.held > 0;
      }
      if (!wanted && !report && !idle && !tell_refusal) {
        ++it;
        continue;
      }
      int64_t want = wanted ? lease_size(e, now) : (idle || e.exhausted ? 0 : e.held);
      // The store frees what this node held beyond `want` at once: the node stops drawing on it now,
      // so what it issues while the claim is out is within what the store still counts as its.
      e.held = std::min(e.held, want);
      e.want = want;
      e.sent_used = e.used;
      e.in_flight = true;
      claims.push_back(
          store::QuotaClaim{it->first, e.window.start, e.window.end, e.quota.limit, e.used, want, tell_refusal});
      ++it;
    }
  }
  {
    std::lock_guard finals(finals_mutex_);
    for (auto& f : finals_) claims.push_back(std::move(f));
    finals_.clear();
  }
  if (claims.empty()) return;
  std::sort(claims.begin(), claims.end(),
            [](const auto& a, const auto& b) { return a.client_id < b.client_id; });

  std::vector<store::QuotaGrant> grants;
  bool reached = true;
  claim_started_ms_.store(now, std::memory_order_relaxed);
  struct Returned {
    std::atomic<int64_t>& started;
    ~Returned() { started.store(0, std::memory_order_relaxed); }
  } returned{claim_started_ms_};
  try {
    grants = source_.claim(claims, now / 1000, settings_.lease_seconds);
    claims_.fetch_add(1, std::memory_order_relaxed);
    if (local_only_.exchange(false))
      spdlog::info("quota: the store answers again; quotas are counted across the nodes once more");
  } catch (const std::exception& error) {
    reached = false;
    if (!local_only_.exchange(true))
      spdlog::warn("quota: the store cannot be reached ({}); each node counts quotas on its own until it can",
                   error.what());
  }

  std::vector<std::pair<Then, QuotaAnswer>> answers;
  std::vector<std::pair<std::string, Entry>> first_exhausted;
  for (size_t i = 0; i < claims.size(); ++i) {
    const auto& claim = claims[i];
    auto& s = shard(claim.client_id);
    std::lock_guard lock(s.mutex);
    auto it = s.entries.find(claim.client_id);
    if (it == s.entries.end()) continue;
    Entry& e = it->second;
    if (!e.in_flight || e.window.start != claim.period_start) continue;
    e.in_flight = false;
    e.due = false;
    if (reached && e.quota.limit != claim.limit) {  // the quota changed meanwhile: ask again for the new one
      e.held = 0;
      e.due = true;
    } else if (reached) {
      const auto& g = grants[i];
      int64_t issued_meanwhile = e.used - e.sent_used;  // from the old lease, while the claim was out
      e.held = std::max<int64_t>(0, g.held - issued_meanwhile);
      // The store times the lease by its own clock from when it answered; counted here from when the
      // claim went out, it is given up kLeaseMarginMs early.
      e.lease_until_ms = now + settings_.lease_seconds * 1000 - kLeaseMarginMs;
      e.others_used = g.period_used - e.sent_used;
      e.reported = e.sent_used;
      e.last_claim_ms = now;
      e.demand = 0;
      if (claim.refused) e.refusal_told = true;
      if (g.held == 0 && g.period_used >= claim.limit) e.exhausted = true;
      else if (claim.want > 0 && g.held == 0) e.retry_after_ms = now + 250;  // the rest is leased elsewhere
      if (g.first_exhaustion) first_exhausted.emplace_back(claim.client_id, e);
    }
    size_t answered = 0;
    for (auto& w : e.waiters) {
      auto answer = decide(e, now);
      if (!answer) break;  // the new lease is spent: they wait for the next round
      if (answer->kind == QuotaAnswer::Kind::issued) {
        issued_.fetch_add(1, std::memory_order_relaxed);
      } else {
        if (answer->kind == QuotaAnswer::Kind::exhausted) e.refused = true;  // (as in take())
        refusals_.fetch_add(1, std::memory_order_relaxed);
      }
      answers.emplace_back(std::move(w.then), *answer);
      ++answered;
    }
    e.waiters.erase(e.waiters.begin(), e.waiters.begin() + static_cast<std::ptrdiff_t>(answered));
    if (!e.waiters.empty()) e.due = true;  // the new lease was sized before they came: ask again
    waiting_.fetch_sub(answered, std::memory_order_relaxed);
  }
  for (auto& [then, answer] : answers) {
    try {
      then(answer);
    } catch (const std::exception& error) {
      spdlog::error("quota: answering a waiting grant failed: {}", error.what());
    }
  }
  if (exhausted_)
    for (const auto& [id, e] : first_exhausted) exhausted_(id, e.quota, e.window);
}

void QuotaLeases::refund(const std::string& client_id) {
  auto& s = shard(client_id);
  std::lock_guard lock(s.mutex);
  auto it = s.entries.find(client_id);
  if (it == s.entries.end() || it->second.used == 0) return;
  --it->second.used;
  ++it->second.held;
  issued_.fetch_sub(1, std::memory_order_relaxed);
}

void QuotaLeases::wake() {
  std::lock_guard lock(wake_mutex_);
  woken_ = true;
  wake_cv_.notify_one();
}

void QuotaLeases::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void QuotaLeases::stop() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_cv_.notify_one();
  if (!thread_.joinable()) return;
  thread_.join();
  try {
    sync(true);
  } catch (const std::exception& error) {
    spdlog::warn("quota: the leases could not be given back on stopping ({}); they lapse by themselves", error.what());
  }
  // What the quotas cost in store round trips, for the operator (and bench/run.sh).
  if (uint64_t n = issued())
    spdlog::info("quota: {} grants issued within quotas, {} round trips to the store ({:.2f} per 1,000 grants)", n,
                 claims(), 1000.0 * static_cast<double>(claims()) / static_cast<double>(n));
}

void QuotaLeases::run() {
  for (;;) {
    {
      std::unique_lock lock(wake_mutex_);
      wake_cv_.wait_for(lock, settings_.report_every / 4, [this] { return woken_ || stopping_; });
      if (stopping_) return;
      woken_ = false;
    }
    try {
      sync();
    } catch (const std::exception& error) {
      spdlog::error("quota: a round with the store failed: {}", error.what());
    }
  }
}

std::vector<QuotaLeases::Use> QuotaLeases::nearest_quota(size_t n) const {
  std::vector<Use> all;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (const auto& [id, e] : s.entries) all.push_back(Use{id, e.quota, e.others_used + e.used});
  }
  auto ratio = [](const Use& u) { return static_cast<double>(u.used) / static_cast<double>(std::max<int64_t>(1, u.quota.limit)); };
  size_t keep = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                    [&](const Use& a, const Use& b) { return ratio(a) > ratio(b); });
  all.resize(keep);
  return all;
}

}  // namespace tokengate::limits
