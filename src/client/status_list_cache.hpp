#pragma once
// A verifier's copy of the status lists its tokens name (IETF Token Status List, draft -17): each
// fetched once, its Status List Token verified with the issuer's keys (typ statuslist+jwt, sub =
// the list's URI, iss), and kept for its `ttl` (at most until its `exp`, and a day). A bounded number of lists
// is kept; one fetch per list at a time.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include <boost/json/object.hpp>

#include "jose/public_key_set.hpp"

namespace tokengate::client {

// The status claim's list entry (draft-ietf-oauth-status-list §6.2), if the token has one. A claim
// that is there but unusable sets `problem`. `https_only`: the issuer is https, so its lists must
// be too (a list fetched in clear could be replaced by an older one, signed but stale).
struct StatusEntry {
  std::string uri;
  uint64_t index = 0;
};
std::optional<StatusEntry> status_entry(const boost::json::object& claims, bool https_only, std::string& problem);

class StatusListCache {
 public:
  struct Lookup {
    enum class State { valid, revoked, unknown };  // unknown: not cached (fetch first)
    State state = State::unknown;
    std::chrono::steady_clock::time_point fresh_until{};  // how long this answer holds
  };
  // Fetches the Status List Token at `uri`; throws tokengate::Error.
  using Fetcher = std::function<std::string(const std::string& uri)>;

  StatusListCache(size_t max_lists, std::chrono::seconds default_ttl) : max_lists_(max_lists), default_ttl_(default_ttl) {}

  // From memory only.
  Lookup lookup(const std::string& uri, uint64_t index) const;
  // Fetches, verifies and keeps the list (if no other caller is doing it), then answers. An error
  // (unreachable, a bad token) is a message.
  std::variant<Lookup, std::string> fetch_and_lookup(const std::string& uri, uint64_t index, const Fetcher& fetch,
                                                     const jose::PublicKeySet& keys, const std::string& issuer);

 private:
  struct List {
    std::string bytes;  // the decompressed list: `bits` bits per entry, from the low bits of byte 0 (§4.1)
    int bits = 1;
    std::chrono::steady_clock::time_point fresh_until;
  };
  static Lookup state_of(const List& list, uint64_t index);

  size_t max_lists_;
  std::chrono::seconds default_ttl_;
  mutable std::mutex mutex_;
  std::map<std::string, List> lists_;
  std::map<std::string, std::shared_ptr<std::mutex>> fetching_;  // one fetch per list at a time
};

}  // namespace tokengate::client
