#include "limits/client_limits.hpp"

#include <algorithm>
#include <cmath>

#include "common/base64url.hpp"
#include "common/sha256.hpp"

namespace tokengate::limits {
namespace {

std::string raw_pair_key(std::string_view address, std::string_view client_id) {
  std::string key;
  key.reserve(address.size() + 1 + client_id.size());
  key += address;
  key += '\n';  // neither an address nor a client ID we accept has a newline... and if one did, it is its own key
  key += client_id;
  return key;
}

std::chrono::seconds ceil_seconds(std::chrono::steady_clock::duration d) {
  return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(d));
}

}  // namespace

ClientLimits::ClientLimits(LimitSettings settings) : settings_(settings) {}

// Shared, a key is its digest: the store sees fixed-size ASCII whatever a client sent as its ID
// (invalid UTF-8, NUL, 16 KB), and the nodes agree on it.
std::string ClientLimits::key_of(std::string raw) const {
  if (!sharing_.load(std::memory_order_relaxed)) return raw;
  auto digest = common::sha256(raw);
  return common::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 16));
}

std::string ClientLimits::pair_key(std::string_view address, std::string_view client_id) const {
  return key_of(raw_pair_key(address, client_id));
}

std::string ClientLimits::address_key(std::string_view address) const { return key_of(std::string(address)); }

std::optional<Refusal> ClientLimits::locked(Table<Window>& table, const std::string& key, int limit,
                                            Clock::time_point now, const char* what) {
  if (limit <= 0 || table.size.load(std::memory_order_relaxed) == 0) return std::nullopt;
  auto& shard = table.shard(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) return std::nullopt;
  if (effective(it->second, now) < limit) return std::nullopt;
  return locked_out(it->second, limit, now, what);
}

Refusal ClientLimits::locked_out(const Window& w, int limit, Clock::time_point now, const char* what) const {
  // Until the window that locks ends: this node's, or all nodes' (the later, if both do).
  auto end = now;
  if (now < w.start + settings_.window && w.count >= limit) end = w.start + settings_.window;
  if (now < w.shared_end && w.shared + w.unshared >= limit) end = std::max(end, w.shared_end);
  auto wait = ceil_seconds(end - now);
  return Refusal{std::string("Too many failed client authentications ") + what + "; retry in " +
                     std::to_string(wait.count()) + " s.",
                 wait,
                 "\"failures\";q=" + std::to_string(limit) + ";w=" + std::to_string(settings_.window.count()),
                 "\"failures\";r=0;t=" + std::to_string(wait.count())};
}

ClientLimits::Window& ClientLimits::window_of(Table<Window>& table, typename Table<Window>::Shard& shard,
                                              std::string key, Clock::time_point now) {
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) {
    size_t per_shard = std::max<size_t>(1, settings_.capacity / Table<Window>::kShards);
    if (shard.entries.size() >= per_shard) {
      // Full: forget the windows that have ended and hold no slot; if none has, the oldest one.
      size_t gone = std::erase_if(shard.entries, [&](const auto& e) {
        return now >= e.second.start + settings_.window && e.second.in_flight == 0;
      });
      if (shard.entries.size() >= per_shard) {
        // The oldest, preferring one that holds no slot (a release would find no entry to free).
        auto oldest = std::min_element(shard.entries.begin(), shard.entries.end(), [](const auto& a, const auto& b) {
          return std::make_pair(a.second.in_flight > 0, a.second.start) < std::make_pair(b.second.in_flight > 0, b.second.start);
        });
        shard.entries.erase(oldest);
        ++gone;
      }
      table.size.fetch_sub(gone, std::memory_order_relaxed);
    }
    it = shard.entries.emplace(std::move(key), Window{now, 0, 0}).first;
    table.size.fetch_add(1, std::memory_order_relaxed);
  } else if (now >= it->second.start + settings_.window) {
    it->second.start = now;
    it->second.count = 0;
  }
  return it->second;
}

int ClientLimits::count(Table<Window>& table, std::string key, Clock::time_point now) {
  auto& shard = table.shard(key);
  std::lock_guard lock(shard.mutex);
  Window& w = window_of(table, shard, key, now);
  w.known_good = false;
  ++w.count;
  // (A shard's list is bounded: past it, a failure still counts here, untold.)
  if (sharing_.load(std::memory_order_relaxed) && w.unshared++ == 0 &&
      shard.dirty.size() < std::max<size_t>(1, settings_.capacity / Table<Window>::kShards))
    shard.dirty.push_back(std::move(key));
  return effective(w, now);
}

void ClientLimits::drain(Table<Window>& table, const char* prefix, std::vector<store::FailureDelta>& out) {
  for (auto& shard : table.shards) {
    std::lock_guard lock(shard.mutex);
    for (auto& key : shard.dirty) {
      auto it = shard.entries.find(key);
      if (it == shard.entries.end() || it->second.unshared == 0) continue;
      // Until the store's count comes back, the window's own count holds them.
      out.push_back(store::FailureDelta{prefix + key, it->second.unshared});
      it->second.unshared = 0;
    }
    shard.dirty.clear();
  }
}

std::vector<store::FailureDelta> ClientLimits::drain_failures() {
  std::vector<store::FailureDelta> out;
  drain(pair_failures_, "p ", out);
  drain(address_failures_, "a ", out);
  return out;
}

void ClientLimits::merge_failures(const std::vector<store::SharedFailure>& counts, int64_t now_unix,
                                  Clock::time_point now) {
  for (const auto& c : counts) {
    if (c.key.size() < 2 || c.key[1] != ' ') continue;
    Table<Window>* table = c.key[0] == 'p' ? &pair_failures_ : c.key[0] == 'a' ? &address_failures_ : nullptr;
    int64_t remaining = c.window_start + settings_.window.count() - now_unix;
    if (!table || remaining <= 0) continue;
    std::string key = c.key.substr(2);
    auto& shard = table->shard(key);
    std::lock_guard lock(shard.mutex);
    Window& w = window_of(*table, shard, std::move(key), now);
    w.shared = static_cast<int>(std::min<int64_t>(c.count, 1'000'000'000));
    w.shared_end = now + std::chrono::seconds(remaining);
  }
}

std::optional<Refusal> ClientLimits::hold(Table<Window>& table, std::string key, int limit, Clock::time_point now,
                                          const char* what, bool* known_good) {
  if (limit <= 0) return std::nullopt;
  auto& shard = table.shard(key);
  std::lock_guard lock(shard.mutex);
  Window& w = window_of(table, shard, std::move(key), now);
  if (known_good) *known_good = w.known_good;
  if (effective(w, now) >= limit) return locked_out(w, limit, now, what);
  // A pair known good may have more in flight (a busy client), yet not without bound: someone
  // behind the same address with the client's ID must not be able to guess at will.
  int cap = w.known_good ? limit * kKnownGoodFactor : limit;
  if (w.count + w.in_flight >= cap)
    return Refusal{std::string("Too many unauthenticated requests in flight ") + what + "; retry in 1 s.",
                   std::chrono::seconds(1),
                   "\"failures\";q=" + std::to_string(limit) + ";w=" + std::to_string(settings_.window.count()),
                   "\"failures\";r=0;t=1"};
  ++w.in_flight;
  return std::nullopt;
}

void ClientLimits::unhold(Table<Window>& table, const std::string& key) {
  auto& shard = table.shard(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(key);
  if (it != shard.entries.end() && it->second.in_flight > 0) --it->second.in_flight;
}

std::optional<Refusal> ClientLimits::reserve(std::string_view address, std::string_view client_id, Clock::time_point now,
                                             Reservation& held) {
  held = {};
  std::string pair = pair_key(address, client_id);
  bool known_good = false;
  if (auto r = hold(pair_failures_, pair, settings_.failures, now, "for this client from this address", &known_good))
    return r;
  held.pair = settings_.failures > 0;
  // A pair known good does not spend the address's slots: a busy client behind one address is
  // held back by its own pair's cap only.
  if (known_good) return std::nullopt;
  if (auto r = hold(address_failures_, address_key(address), settings_.address_failures, now, "from this address")) {
    if (held.pair) unhold(pair_failures_, pair);
    held = {};
    return r;
  }
  held.address = settings_.address_failures > 0;
  return std::nullopt;
}

void ClientLimits::release(std::string_view address, std::string_view client_id, const Reservation& held) {
  if (held.pair) unhold(pair_failures_, pair_key(address, client_id));
  if (held.address) unhold(address_failures_, address_key(address));
}

std::optional<Refusal> ClientLimits::check_failures(std::string_view address, std::string_view client_id,
                                                    Clock::time_point now) {
  // Nothing remembered (the usual case): no key to make, not even a digest.
  if (address_failures_.size.load(std::memory_order_relaxed) == 0 && pair_failures_.size.load(std::memory_order_relaxed) == 0)
    return std::nullopt;
  if (auto r = locked(address_failures_, address_key(address), settings_.address_failures, now, "from this address"))
    return r;
  return locked(pair_failures_, pair_key(address, client_id), settings_.failures, now,
                "for this client from this address");
}

bool ClientLimits::failed(std::string_view address, std::string_view client_id, Clock::time_point now) {
  bool locked_now = false;
  // The failure that takes the count (all nodes', where shared) to the limit locks out.
  if (settings_.address_failures > 0)
    locked_now |= count(address_failures_, address_key(address), now) == settings_.address_failures;
  if (settings_.failures > 0) locked_now |= count(pair_failures_, pair_key(address, client_id), now) == settings_.failures;
  return locked_now;
}

void ClientLimits::succeeded(std::string_view address, std::string_view client_id, bool remember) {
  if (remember && settings_.failures > 0) {
    std::string key = pair_key(address, client_id);
    auto& shard = pair_failures_.shard(key);
    std::lock_guard lock(shard.mutex);
    Window& w = window_of(pair_failures_, shard, std::move(key), Clock::now());
    w.count = 0;
    w.known_good = true;
    return;
  }
  if (pair_failures_.size.load(std::memory_order_relaxed) == 0) return;
  std::string key = pair_key(address, client_id);
  auto& shard = pair_failures_.shard(key);
  std::lock_guard lock(shard.mutex);
  if (shard.entries.erase(key)) pair_failures_.size.fetch_sub(1, std::memory_order_relaxed);
}

std::optional<Refusal> ClientLimits::take(Table<Bucket>& table, std::string key, double cluster_rate,
                                          Clock::time_point now, const char* what) {
  // This node's share of the rate; a bucket holds at least one request, so a share under one a
  // second still lets one through now and then.
  double rate = cluster_rate * rate_share_.load(std::memory_order_relaxed);
  double burst = std::max(1.0, rate);
  auto& shard = table.shard(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) {
    size_t per_shard = std::max<size_t>(1, settings_.capacity / Table<Bucket>::kShards);
    if (shard.entries.size() >= per_shard) {
      // A full bucket is as good as none: forget those first.
      size_t gone = std::erase_if(shard.entries, [&](const auto& e) {
        return e.second.tokens + std::chrono::duration<double>(now - e.second.at).count() * rate >= burst;
      });
      if (shard.entries.size() >= per_shard) {
        shard.entries.erase(shard.entries.begin());
        ++gone;
      }
      table.size.fetch_sub(gone, std::memory_order_relaxed);
    }
    it = shard.entries.emplace(std::move(key), Bucket{now, burst}).first;  // a burst of one second's worth
    table.size.fetch_add(1, std::memory_order_relaxed);
  }
  Bucket& b = it->second;
  b.tokens = std::min(burst, b.tokens + std::chrono::duration<double>(now - b.at).count() * rate);
  b.at = now;
  std::string policy = "\"rate\";q=" + std::to_string(static_cast<int64_t>(std::ceil(cluster_rate))) + ";w=1";
  if (b.tokens < 1) {
    auto wait = ceil_seconds(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>((1 - b.tokens) / rate)));
    return Refusal{std::string("Too many requests ") + what + "; retry in " + std::to_string(wait.count()) + " s.",
                   wait, policy, "\"rate\";r=0;t=" + std::to_string(wait.count())};
  }
  b.tokens -= 1;
  return std::nullopt;
}

size_t ClientLimits::remembered() const {
  return pair_failures_.size.load() + address_failures_.size.load() + client_buckets_.size.load() +
         address_buckets_.size.load();
}

std::optional<Refusal> ClientLimits::take_address_grant(std::string_view address, Clock::time_point now) {
  if (settings_.address_rate <= 0) return std::nullopt;
  return take(address_buckets_, std::string(address), settings_.address_rate, now, "from this address");
}

std::optional<Refusal> ClientLimits::take_client_grant(std::string_view client_id, Clock::time_point now) {
  if (settings_.client_rate <= 0) return std::nullopt;
  return take(client_buckets_, std::string(client_id), settings_.client_rate, now, "for this client");
}

}  // namespace tokengate::limits
