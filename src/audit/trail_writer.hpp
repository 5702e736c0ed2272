#pragma once
// The audit trail's writer on the server: failed client authentications, batched off the request
// threads, and the deletion of entries past their retention.
//
// A flood of bad secrets must not fill the memory or the disk, nor slow the token path: a request
// thread only counts the failure under a short lock into a bounded table (one row per client ID
// and address); once a second a thread of its own writes at most `max_entries_per_flush` rows, the
// rest folded into one summary entry; failed authentications in the store are capped at
// `max_failures_kept` rows (the oldest deleted first), on top of the retention.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "store/store.hpp"

namespace tokengate::audit {

class TrailWriter {
 public:
  struct Settings {
    int64_t retention_days = 90;
    std::chrono::milliseconds flush_every{1000};
    size_t max_pending = 10000;          // distinct (client ID, address) pairs held between flushes
    size_t reserved_for_rare = 1000;     // ... and this many more for the kinds other than authentication
    size_t max_entries_per_flush = 100;  // rows written per flush; the rest summarised
    int64_t max_failures_kept = 1000000;
    std::chrono::seconds purge_every{600};
    std::chrono::seconds note_every{600};  // one entry per noted kind of success at most this often
    size_t max_notes = 1000;               // distinct (action, client ID, detail) noted at a time
  };

  TrailWriter(store::Store& store, Settings settings);
  ~TrailWriter();  // writes what is pending, then stops

  // What failed, as the entry's detail says it (`"kind"`; absent for a plain failed authentication).
  // Rarer kinds first: a flush writes pending entries in this order, so a flood of plain failures
  // is what gets summarised, never the lock-outs and admin refusals it hides behind.
  enum class Failure {
    lockout,             // a failure that locked the (address, client ID) pair or the address out
    admin_token,         // the admin API refused a missing or invalid access token (401)
    admin_scope,         // the admin API refused a token without tokengate:admin (403)
    authentication,      // a client's credentials were refused
  };

  // From a request thread: `client_id` (as the request claimed it, any bytes) failed from
  // `address`. Never waits on the store. Stored as `auth.failure` entries, counted per kind,
  // client ID and address between flushes.
  void failed(Failure kind, std::string_view client_id, std::string_view address);
  void failed_authentication(std::string_view client_id, std::string_view address) {
    failed(Failure::authentication, client_id, address);
  }

  // From a request thread: a successful authentication the trail should show however often it
  // happens, `detail` a JSON object's text: `auth.old_secret` (a client used its previous secret,
  // in a rotation's grace period: who still has to move) and `auth.federated` (a workload
  // authenticated through a federation; the detail names its issuer and subject). Never waits on
  // the store; the first is written at the next flush, then at most one entry per `note_every`
  // per (action, client ID, detail), with the count since.
  void noted(std::string_view action, std::string_view client_id, std::string_view address, std::string detail);

  // Writes what is pending now (tests; the thread does it every flush_every).
  void flush();

 private:
  struct Pending {
    int64_t count = 0;
    int64_t first_at = 0;
  };
  void run();
  std::vector<store::AuditRecord> due_notes();

  store::Store& store_;
  Settings settings_;
  std::mutex mutex_;  // pending_, overflow_, stopping_
  struct Key {
    Failure kind;
    std::string client_id;  // valid UTF-8, at most 128 bytes
    std::string address;
    auto operator<=>(const Key&) const = default;
  };
  std::map<Key, Pending> pending_;
  struct NoteKey {
    std::string action, client_id, detail;
    auto operator<=>(const NoteKey&) const = default;
  };
  struct Note {
    int64_t count = 0;
    int64_t first_at = 0;
    std::string address;  // the last one seen
    std::chrono::steady_clock::time_point written{};  // none yet: epoch
  };
  std::map<NoteKey, Note> notes_;
  int64_t overflow_ = 0;  // failures that found the table full
  std::mutex flush_mutex_;  // one flush at a time
  std::condition_variable wake_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_purge_{};
  std::atomic<uint64_t> summarised_{0};  // failures folded into summary entries, for /metrics
  std::shared_ptr<void> metrics_;         // the collector that shows it
  std::thread thread_;
};

}  // namespace tokengate::audit
