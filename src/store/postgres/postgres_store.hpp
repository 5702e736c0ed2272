#pragma once
// The store for several nodes: PostgreSQL (libpq), behind the same Store interface as SQLite. Every
// write is one transaction; every change bumps a version row and NOTIFYs tokengate_changes (a
// trigger does both), so each node's watcher learns of it at once, and by polling the version if a
// notification is lost. Migrations run under an advisory lock, so N nodes starting together
// migrate once; so does the first signing key, so they end with exactly one.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"

namespace tokengate::store::postgres {

class PostgresStore final : public Store {
 public:
  // Connects, and brings the schema up to date, or requires it to be, or leaves it. Throws
  // StoreError naming the problem (unreachable, refused login, no permission, a schema newer than
  // this binary, or older when it must be current), never the password.
  enum class Schema { migrate, require_current, as_is };
  explicit PostgresStore(const std::string& uri, Schema schema = Schema::migrate);

  std::vector<ClientRecord> list_clients() override;
  std::optional<ClientRecord> find_client(const std::string& id) override;
  void insert_client(const ClientRecord& client, const AuditRecord* audit) override;
  bool update_client(const ClientRecord& client, const std::vector<RevocationRecord>& revocations,
                     const AuditRecord* audit, const std::string* read_generation) override;
  bool delete_client(const std::string& id, const std::vector<RevocationRecord>& revocations,
                     const AuditRecord* audit) override;

  std::vector<KeyRecord> list_keys() override;
  void rotate_key(const KeyRecord& key, const AuditRecord* audit) override;
  KeyRecord ensure_active_key(const KeyRecord& candidate) override;
  bool seal_key(const std::string& kid, const std::string& clear_pem, const std::string& sealed_pem) override;
  bool withdraw_key(const std::string& kid, int64_t now, const AuditRecord* audit) override;
  int purge_retired_keys(int64_t cutoff, int64_t now) override;

  void add_revocation(const RevocationRecord& revocation) override;
  std::vector<RevocationRecord> list_revocations_after(int64_t seq, int64_t now) override;
  std::vector<RevocationRecord> list_revocations(int64_t now) override;
  int purge_revocations(int64_t now) override;
  std::vector<FederationRecord> list_federations() override;
  void insert_federation(const FederationRecord& federation, const AuditRecord* audit = nullptr) override;
  bool delete_federation(const std::string& id, const AuditRecord* audit = nullptr) override;
  std::vector<bool> record_assertions(const std::vector<UsedAssertion>& batch) override;
  int purge_assertions(int64_t now) override;

  std::vector<QuotaGrant> claim_quota(const std::string& node, const std::vector<QuotaClaim>& claims, int64_t now,
                                      int64_t lease_seconds) override;
  QuotaUse quota_use(const std::string& client_id, int64_t period_start, int64_t now) override;
  int purge_quota(int64_t before) override;
  FailureExchange exchange_failures(const std::string& node, const std::vector<FailureDelta>& deltas, int64_t since_ms,
                                    int64_t now, int64_t window_seconds) override;
  int purge_failures(int64_t before) override;
  std::string ensure_secret(const std::string& name, const std::string& candidate) override;
  std::optional<std::string> find_secret(const std::string& name) override;
  void append_audit(const std::vector<AuditRecord>& entries) override;
  std::vector<AuditRecord> list_audit(const AuditQuery& query) override;
  int purge_audit(int64_t before, int64_t max_failures) override;

  uint64_t change_counter() override;
  std::unique_ptr<ChangeFeed> watch_changes(std::function<void()> changed) override;

  std::pair<int, int> migrate() override;

 private:
  // Runs `work` on the connection, reconnecting first if it was lost (with backoff: a database
  // that is down is not asked more than every few seconds).
  template <class Work>
  auto with_connection(Work&& work);
  void insert_revocation(const RevocationRecord& revocation);
  void insert_audit(const AuditRecord& entry);

  std::string uri_;
  std::mutex mutex_;  // one connection, used by one caller at a time
  std::unique_ptr<Connection> conn_;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{250};
};

}  // namespace tokengate::store::postgres
