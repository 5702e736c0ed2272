#pragma once
// The persistent store of clients and signing keys. The server reads it only to build in-memory
// snapshots (never on the token path); the CLI and the admin API write it. Each write is one
// transaction; a write given an `audit` entry records it in the same transaction, so a change is
// never stored without its audit entry, nor the entry without the change.
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/audit_record.hpp"
#include "store/client_record.hpp"
#include "store/failure_record.hpp"
#include "store/federation_record.hpp"
#include "store/key_record.hpp"
#include "store/quota_record.hpp"
#include "store/revocation_record.hpp"

namespace tokengate::store {

// A client assertion's `jti`, remembered until the assertion expires.
struct UsedAssertion {
  std::string client_id;
  std::string jti;
  int64_t expires_at = 0;  // Unix seconds
};

// A store that cannot be opened or used (unwritable directory, corrupt file, locked too long).
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A conditional write found the row changed since it was read (another process wrote between):
// read again and redo the change.
struct ConcurrentChange : StoreError {
  using StoreError::StoreError;
};

// Tells a watcher that the store changed, sooner than its polling would (PostgreSQL LISTEN/NOTIFY).
// Destroying it stops it.
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual std::vector<ClientRecord> list_clients() = 0;
  virtual std::optional<ClientRecord> find_client(const std::string& id) = 0;
  virtual void insert_client(const ClientRecord& client, const AuditRecord* audit = nullptr) = 0;
  // Replaces an existing client's mutable fields and records `revocations`, in one transaction;
  // false (and nothing written) if there is no such client. With `read_generation` (the generation
  // the client had when it was read), throws ConcurrentChange if it has another one now: a change
  // written meanwhile revoked its tokens, and writing over it would bring them back.
  virtual bool update_client(const ClientRecord& client, const std::vector<RevocationRecord>& revocations = {},
                             const AuditRecord* audit = nullptr, const std::string* read_generation = nullptr) = 0;
  // Deletes the client and records `revocations`, in one transaction; false if there is no such client.
  virtual bool delete_client(const std::string& id, const std::vector<RevocationRecord>& revocations = {},
                             const AuditRecord* audit = nullptr) = 0;

  virtual std::vector<KeyRecord> list_keys() = 0;
  // Adds `key` at the head of the chain: the previous head retires when `key` activates. Atomic.
  virtual void rotate_key(const KeyRecord& key, const AuditRecord* audit = nullptr) = 0;
  // Inserts `key` only if the chain is empty; returns the head of the chain.
  virtual KeyRecord ensure_active_key(const KeyRecord& candidate) = 0;
  // Marks the key withdrawn at `now`, retires it then if it would sign later, and forgets its
  // private half; false if there is no such key.
  virtual bool withdraw_key(const std::string& kid, int64_t now, const AuditRecord* audit = nullptr) = 0;
  // Replaces a key's private half stored in clear (`clear_pem`) by its sealed form; false if the
  // stored half is no longer `clear_pem` (another node sealed it first, or it was forgotten).
  virtual bool seal_key(const std::string& kid, const std::string& clear_pem, const std::string& sealed_pem) = 0;
  // Deletes keys retired before `cutoff` (their tokens have all expired), and the private half of
  // keys retired before `now` (only the public half is needed to verify).
  virtual int purge_retired_keys(int64_t cutoff, int64_t now) = 0;

  // Records a revocation (again: no change).
  virtual void add_revocation(const RevocationRecord& revocation) = 0;
  // The revocations that have not expired at `now`.
  virtual std::vector<RevocationRecord> list_revocations(int64_t now) = 0;
  // Those of them committed after the one numbered `seq` (RevocationRecord::seq): what is new since
  // a node last read.
  virtual std::vector<RevocationRecord> list_revocations_after(int64_t seq, int64_t now) = 0;
  // Deletes the revocations expired before `now`.
  virtual int purge_revocations(int64_t now) = 0;

  // Trusted external issuers (workload identity federation), oldest first; added and removed
  // whole (to change one, remove it and add another); remove is false if there is no such one.
  virtual std::vector<FederationRecord> list_federations() = 0;
  virtual void insert_federation(const FederationRecord& federation, const AuditRecord* audit = nullptr) = 0;
  virtual bool delete_federation(const std::string& id, const AuditRecord* audit = nullptr) = 0;

  // Single use of client assertions (RFC 7523 §3 item 7): records each (client, jti) of `batch`, in
  // one transaction, kept until its `expires_at`; answers, in order, whether each was new (false: it
  // was used before, on this node or another). Only expired entries are ever deleted.
  virtual std::vector<bool> record_assertions(const std::vector<UsedAssertion>& batch) = 0;
  // Deletes the entries expired before `now`.
  virtual int purge_assertions(int64_t now) = 0;

  // Token quotas (limits/quota_leases): in one transaction, for each claim (sorted by client ID),
  // records what `node` has issued and replaces its lease with as much of `want` as the quota has
  // room for, counting every other node's reported use and live leases (a lease lives until
  // `now + lease_seconds`; a dead node's lapses). Answers in order.
  virtual std::vector<QuotaGrant> claim_quota(const std::string& node, const std::vector<QuotaClaim>& claims,
                                              int64_t now, int64_t lease_seconds) = 0;
  virtual QuotaUse quota_use(const std::string& client_id, int64_t period_start, int64_t now) = 0;
  // Deletes the periods that ended before `before`.
  virtual int purge_quota(int64_t before) = 0;

  // Shared abuse limits (limits/shared_limits): in one transaction, adds `deltas` to the keys'
  // counts (a count whose `window_seconds` have passed since its window started starts again at
  // `now`), notes `node` alive, and answers the counts changed since `since_ms` (the store's clock,
  // with a second's overlap) whose window is still running, and how many nodes are alive.
  virtual FailureExchange exchange_failures(const std::string& node, const std::vector<FailureDelta>& deltas,
                                            int64_t since_ms, int64_t now, int64_t window_seconds) = 0;
  // Deletes the counts whose window started before `before`, and the nodes not seen since then.
  virtual int purge_failures(int64_t before) = 0;

  // The audit trail: entries written on their own (failed authentications, in batches), listed
  // newest first, and deleted once older than `before` (Unix seconds). Failed authentications are
  // also capped at `max_failures` entries, the oldest deleted first, so a flood cannot fill the disk.
  // Values the nodes share, made once (issuer/status_list_names): `candidate` is stored under
  // `name` unless a value is; returns the stored one.
  virtual std::string ensure_secret(const std::string& name, const std::string& candidate) = 0;
  virtual std::optional<std::string> find_secret(const std::string& name) = 0;

  virtual void append_audit(const std::vector<AuditRecord>& entries) = 0;
  virtual std::vector<AuditRecord> list_audit(const AuditQuery& query) = 0;
  virtual int purge_audit(int64_t before, int64_t max_failures) = 0;

  // Applies the schema migrations this binary knows (once, whoever else is migrating at the same
  // time); returns the schema version before and after.
  virtual std::pair<int, int> migrate() = 0;

  // A number that changes whenever any connection commits a change to the store; cheap to call.
  virtual uint64_t change_counter() = 0;
  // Calls `changed` (on a thread of its own) when another connection commits a change; nullptr
  // where the store has no such thing (SQLite: the watcher polls).
  virtual std::unique_ptr<ChangeFeed> watch_changes(std::function<void()> changed) {
    (void)changed;
    return nullptr;
  }
};

}  // namespace tokengate::store
