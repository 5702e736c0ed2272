#pragma once
// The embedded store: one SQLite file in WAL mode, shared by the server and the CLI.
#include <mutex>
#include <string>

#include "store/sqlite/sqlite_handle.hpp"
#include "store/store.hpp"

namespace tokengate::store::sqlite {

class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` (mode 0600) and brings its schema up to date (unless
  // `migrate` is false).
  explicit SqliteStore(const std::string& path, bool migrate = true);

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

 public:
  std::pair<int, int> migrate() override;

 private:
  int schema_version();
  void insert_key(const KeyRecord& key);
  void insert_revocation(const RevocationRecord& revocation);
  void insert_audit(const AuditRecord& entry);
  class Unsynced;  // a write without an fsync of its own, for the frequent and cheap-to-lose ones

  std::mutex mutex_;  // one connection, used by one caller at a time
  Connection conn_;
};

}  // namespace tokengate::store::sqlite
