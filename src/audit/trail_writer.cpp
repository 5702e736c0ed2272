#include "audit/trail_writer.hpp"

#include <ctime>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "common/echo.hpp"
#include "observe/metrics.hpp"

namespace tokengate::audit {
namespace {

constexpr size_t kMaxClientId = 128;  // what a client sends as its ID may be anything, of any length

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

const char* kind_name(TrailWriter::Failure kind) {
  switch (kind) {
    case TrailWriter::Failure::authentication: return nullptr;
    case TrailWriter::Failure::lockout: return "lockout";
    case TrailWriter::Failure::admin_token: return "admin_invalid_token";
    case TrailWriter::Failure::admin_scope: return "admin_insufficient_scope";
  }
  return nullptr;
}

// What a request claimed as its client ID, fit for the store: valid UTF-8 (PostgreSQL refuses
// anything else, and the audit API answers JSON), cut at a character boundary.
std::string storable_client_id(std::string_view claimed) {
  std::string text = common::valid_utf8(claimed.substr(0, kMaxClientId * 4));
  if (text.size() <= kMaxClientId) return text;
  size_t cut = kMaxClientId;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  text.resize(cut);
  return text;
}

}  // namespace

TrailWriter::TrailWriter(store::Store& store, Settings settings)
    : store_(store),
      settings_(settings),
      metrics_(observe::Metrics::instance().add_collector([this](observe::Exposition& out) {
        out.family("tokengate_audit_failures_summarised_total", "counter",
                   "Failed authentications recorded only in a summary entry of the audit trail (a flood).");
        out.sample("tokengate_audit_failures_summarised_total", "", summarised_.load(std::memory_order_relaxed));
      })),
      thread_([this] { run(); }) {}

TrailWriter::~TrailWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  flush();
}


void TrailWriter::failed(Failure kind, std::string_view client_id, std::string_view address) {
  Key key{kind, storable_client_id(client_id), common::valid_utf8(address)};
  std::lock_guard lock(mutex_);
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    size_t cap = settings_.max_pending + (kind == Failure::authentication ? 0 : settings_.reserved_for_rare);
    if (pending_.size() >= cap) {
      ++overflow_;
      return;
    }
    it = pending_.emplace(std::move(key), Pending{0, unix_now()}).first;
  }
  ++it->second.count;
}

void TrailWriter::noted(std::string_view action, std::string_view client_id, std::string_view address,
                        std::string detail) {
  NoteKey key{std::string(action), storable_client_id(client_id), std::move(detail)};
  std::lock_guard lock(mutex_);
  auto it = notes_.find(key);
  if (it == notes_.end()) {
    if (notes_.size() >= settings_.max_notes) return;  // bounded: what is noted already is kept
    it = notes_.emplace(std::move(key), Note{}).first;
  }
  if (it->second.count++ == 0) it->second.first_at = unix_now();
  it->second.address = common::valid_utf8(address);
}

// The notes due now, as entries; forgets those quiet for a whole period. Holds mutex_.
std::vector<store::AuditRecord> TrailWriter::due_notes() {
  std::vector<store::AuditRecord> entries;
  auto now = std::chrono::steady_clock::now();
  for (auto it = notes_.begin(); it != notes_.end();) {
    Note& note = it->second;
    bool period_over = note.written == std::chrono::steady_clock::time_point{} || now - note.written >= settings_.note_every;
    if (!period_over) {
      ++it;
      continue;
    }
    if (note.count == 0) {
      it = notes_.erase(it);
      continue;
    }
    store::AuditRecord e;
    e.at = note.first_at;
    e.actor = "client";
    e.action = it->first.action;
    e.target = it->first.client_id;
    e.address = note.address;
    boost::json::object detail;
    boost::system::error_code ec;
    auto parsed = boost::json::parse(it->first.detail, ec);
    if (!ec && parsed.is_object()) detail = parsed.as_object();
    detail["count"] = note.count;
    e.detail = boost::json::serialize(detail);
    entries.push_back(std::move(e));
    note.count = 0;
    note.written = now;
    ++it;
  }
  return entries;
}

void TrailWriter::flush() {
  std::lock_guard flushing(flush_mutex_);
  std::map<Key, Pending> batch;
  int64_t overflow = 0;
  std::vector<store::AuditRecord> entries;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
    std::swap(overflow, overflow_);
    entries = due_notes();
  }
  if (batch.empty() && overflow == 0 && entries.empty()) return;

  int64_t summarised = overflow;
  int64_t summarised_pairs = 0;
  for (auto& [key, pending] : batch) {
    if (entries.size() >= settings_.max_entries_per_flush) {
      summarised += pending.count;
      ++summarised_pairs;
      continue;
    }
    store::AuditRecord e;
    e.at = pending.first_at;
    e.actor = "client";
    e.action = "auth.failure";
    e.target = key.client_id;
    e.address = key.address;
    boost::json::object detail{{"count", pending.count}};
    if (const char* kind = kind_name(key.kind)) detail["kind"] = kind;
    e.detail = boost::json::serialize(detail);
    entries.push_back(std::move(e));
  }
  if (summarised > 0) {
    // A flood: the rest in one entry, so the trail says how much was left out.
    store::AuditRecord e;
    e.at = unix_now();
    e.actor = "client";
    e.action = "auth.failure";
    e.detail = boost::json::serialize(boost::json::object{
        {"count", summarised}, {"summarised", true}, {"client_address_pairs", summarised_pairs + (overflow ? 1 : 0)}});
    entries.push_back(std::move(e));
    summarised_.fetch_add(static_cast<uint64_t>(summarised), std::memory_order_relaxed);  // rare: one flush a second
  }
  try {
    store_.append_audit(entries);
  } catch (const std::exception& e) {
    // The store is down: these entries are lost (bounded memory comes first); say how many.
    spdlog::warn("audit trail: {} authentication entries not written: {}", entries.size(), e.what());
  }
}

void TrailWriter::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, settings_.flush_every, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush();
    auto now = std::chrono::steady_clock::now();
    if (last_purge_ == std::chrono::steady_clock::time_point{} || now - last_purge_ >= settings_.purge_every) {
      last_purge_ = now;
      try {
        int deleted = store_.purge_audit(unix_now() - settings_.retention_days * 86400, settings_.max_failures_kept);
        if (deleted > 0) spdlog::info("audit trail: {} entries past their retention deleted", deleted);
      } catch (const std::exception& e) {
        spdlog::warn("audit trail: old entries not deleted: {}", e.what());
      }
    }
    lock.lock();
  }
}

}  // namespace tokengate::audit
