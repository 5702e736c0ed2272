#include "store/sqlite/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sstream>

#include "common/scope_list.hpp"
#include "limits/quota.hpp"

namespace tokengate::store::sqlite {
namespace {

// Migrations, in order: migration N brings a store from schema N-1 to N. Never edit one that has
// shipped; add the next.
constexpr const char* kMigrations[] = {
    // 1: clients and signing keys.
    R"sql(
CREATE TABLE clients (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  secret_sha256 BLOB NOT NULL,
  scopes        TEXT NOT NULL DEFAULT '',
  audience      TEXT NOT NULL DEFAULT '',
  token_ttl     INTEGER NOT NULL DEFAULT 0,
  enabled       INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE TABLE signing_keys (
  kid         TEXT PRIMARY KEY,
  alg         TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  retired_at  INTEGER
);
CREATE UNIQUE INDEX one_active_key ON signing_keys((retired_at IS NULL)) WHERE retired_at IS NULL;
)sql",
    // 2: token lifecycle: client generations (status lists), key publication and withdrawal, the
    // public half of keys kept apart, revocations.
    R"sql(
ALTER TABLE clients ADD COLUMN generation TEXT NOT NULL DEFAULT '';
UPDATE clients SET generation = lower(hex(randomblob(8)));
ALTER TABLE signing_keys ADD COLUMN activates_at INTEGER NOT NULL DEFAULT 0;
UPDATE signing_keys SET activates_at = created_at;
ALTER TABLE signing_keys ADD COLUMN withdrawn_at INTEGER;
ALTER TABLE signing_keys ADD COLUMN public_jwk TEXT NOT NULL DEFAULT '';
CREATE TABLE revocations (
  kind       TEXT NOT NULL,
  key        TEXT NOT NULL,
  client_id  TEXT NOT NULL DEFAULT '',
  revoked_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX revocations_by_expiry ON revocations(expires_at);
)sql",
    // 3: the schema version in a table of its own, as the PostgreSQL store has it.
    R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
)sql",
    // 4: the audit trail.
    R"sql(
CREATE TABLE audit_events (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at      INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_time ON audit_events(at);
CREATE INDEX audit_by_target ON audit_events(target, id);
CREATE INDEX audit_failures ON audit_events(id) WHERE action = 'auth.failure';
)sql",
    // 5: values the nodes share (the status list naming key). Status lists named before it carry
    // no tag: a store that had keys, so could have tokens in such lists, serves them 31 days more.
    R"sql(
CREATE TABLE server_secrets (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
INSERT INTO server_secrets (name, value, created_at)
  SELECT 'untagged_status_lists_until', CAST(unixepoch() + 2678400 AS TEXT), unixepoch()
  WHERE EXISTS (SELECT 1 FROM signing_keys);
-- Revocations numbered in the order they were committed, so that a node's reload reads only the
-- new ones (issuer/snapshot_loader). Writers are serialized: the trigger's count never repeats.
ALTER TABLE revocations ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO sequences VALUES ('revocations', 0);
CREATE TRIGGER revocations_seq AFTER INSERT ON revocations BEGIN
  UPDATE sequences SET value = value + 1 WHERE name = 'revocations';
  UPDATE revocations SET seq = (SELECT value FROM sequences WHERE name = 'revocations') WHERE rowid = NEW.rowid;
END;
CREATE INDEX revocations_by_seq ON revocations(seq);
)sql",
    // 6: a client's previous secret, accepted until the grace period of its rotation ends.
    R"sql(
ALTER TABLE clients ADD COLUMN previous_secret_sha256 BLOB;
ALTER TABLE clients ADD COLUMN previous_secret_until INTEGER NOT NULL DEFAULT 0;
)sql",
    // 7: clients that authenticate with keys instead of a secret (private_key_jwt), the
    // assertions they used, each once, and the external issuers trusted to vouch for a client
    // (workload identity federation).
    R"sql(
CREATE TABLE federations (
  id          TEXT PRIMARY KEY,
  issuer      TEXT NOT NULL,
  keys        TEXT NOT NULL,
  keys_url    TEXT NOT NULL DEFAULT '',
  audience    TEXT NOT NULL,
  subject     TEXT NOT NULL,
  conditions  TEXT NOT NULL DEFAULT '{}',
  client_id   TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
ALTER TABLE clients ADD COLUMN auth_method TEXT NOT NULL DEFAULT 'client_secret';
ALTER TABLE clients ADD COLUMN jwks TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN jwks_uri TEXT NOT NULL DEFAULT '';
CREATE TABLE used_assertions (
  client_id  TEXT NOT NULL,
  jti        TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, jti)
) WITHOUT ROWID;
CREATE INDEX used_assertions_by_expiry ON used_assertions(expires_at);
)sql",
    // 8: sender-constrained tokens and certificate clients: the name a tls_client_auth client's
    // certificate carries, and whether its tokens are bound to a certificate or need DPoP (a JSON
    // object of RFC 7591 metadata names, empty for the defaults).
    R"sql(
ALTER TABLE clients ADD COLUMN token_binding TEXT NOT NULL DEFAULT '';
)sql",
    // 9: token quotas ("1000/day", limits/quota) and the leases the server takes of them
    // (limits/quota_leases); failed authentications counted for all nodes (limits/shared_limits:
    // one node on SQLite, the same code).
    R"sql(
ALTER TABLE clients ADD COLUMN quota TEXT NOT NULL DEFAULT '';
CREATE TABLE quota_periods (
  client_id    TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  period_end   INTEGER NOT NULL,
  exhausted_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (client_id, period_start)
) WITHOUT ROWID;
CREATE TABLE quota_leases (
  client_id    TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  node         TEXT NOT NULL,
  used         INTEGER NOT NULL,
  held         INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  PRIMARY KEY (client_id, period_start, node)
) WITHOUT ROWID;
CREATE TABLE shared_failures (
  key          TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  updated_ms   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX shared_failures_by_update ON shared_failures(updated_ms);
CREATE TABLE limit_nodes (node TEXT PRIMARY KEY, seen_at INTEGER NOT NULL) WITHOUT ROWID;
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

// Creates the file with mode 0600 before SQLite does (SQLite gives its -wal/-shm files the same mode).
void create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw StoreError("cannot create the SQLite store " + path + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  ::close(fd);
}

// The previous secret's digest and end at `index` and `index + 1`: NULL and 0 when there is none.
void bind_previous_secret(Statement& s, int index, const ClientRecord& c) {
  if (c.previous_secret_until > 0)
    s.bind_blob(index, c.previous_secret_digest.data(), c.previous_secret_digest.size());
  else
    s.bind_null(index);
  s.bind(index + 1, c.previous_secret_until > 0 ? c.previous_secret_until : int64_t{0});
}

ClientRecord read_client(const Statement& s) {
  ClientRecord c;
  c.id = s.text(0);
  c.name = s.text(1);
  std::string digest = s.blob(2);
  if (digest.size() != c.secret_digest.size()) throw StoreError("client " + c.id + " has a malformed secret digest");
  std::memcpy(c.secret_digest.data(), digest.data(), digest.size());
  c.scopes = common::split_scopes(s.text(3));
  c.audience = s.text(4);
  c.token_ttl = s.integer(5);
  c.enabled = s.integer(6) != 0;
  c.created_at = s.integer(7);
  c.updated_at = s.integer(8);
  c.generation = s.text(9);
  if (!s.is_null(10)) {
    std::string previous = s.blob(10);
    if (previous.size() != c.previous_secret_digest.size())
      throw StoreError("client " + c.id + " has a malformed previous secret digest");
    std::memcpy(c.previous_secret_digest.data(), previous.data(), previous.size());
    c.previous_secret_until = s.integer(11);
  }
  auto auth = parse_auth(s.text(12));
  if (!auth) throw StoreError("client " + c.id + " has an unknown authentication method " + s.text(12));
  c.auth = *auth;
  c.jwks = s.text(13);
  c.jwks_uri = s.text(14);
  if (!read_token_binding(s.text(15), c)) throw StoreError("client " + c.id + " has a malformed token_binding");
  auto quota = limits::parse_quota(s.text(16));
  if (!quota) throw StoreError("client " + c.id + " has a malformed quota " + s.text(16));
  c.quota = *quota;
  return c;
}

constexpr const char* kSelectClient =
    "SELECT id, name, secret_sha256, scopes, audience, token_ttl, enabled, created_at, updated_at, generation, "
    "previous_secret_sha256, previous_secret_until, auth_method, jwks, jwks_uri, token_binding, quota FROM clients";

constexpr const char* kSelectKey =
    "SELECT kid, alg, private_pem, created_at, retired_at, activates_at, withdrawn_at, public_jwk FROM signing_keys";

KeyRecord read_key(const Statement& s) {
  KeyRecord k;
  k.kid = s.text(0);
  std::string alg = s.text(1);
  auto parsed = jose::parse_algorithm(alg);
  if (!parsed) throw StoreError("signing key " + k.kid + " has an unknown algorithm " + alg);
  k.alg = *parsed;
  k.private_pem = s.text(2);
  k.created_at = s.integer(3);
  if (!s.is_null(4)) k.retired_at = s.integer(4);
  k.activates_at = s.integer(5);
  if (!s.is_null(6)) k.withdrawn_at = s.integer(6);
  k.public_jwk = s.text(7);
  return k;
}

const char* kind_name(RevocationRecord::Kind kind) {
  return kind == RevocationRecord::Kind::token ? "token" : "generation";
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, bool migrate_now)
    : conn_((create_private_file(path), path), /*create=*/false) {
  conn_.exec("PRAGMA journal_mode=WAL");
  conn_.exec("PRAGMA synchronous=FULL");  // a committed client survives power loss too
  conn_.exec("PRAGMA secure_delete=ON");  // what is deleted (a retired key's private half) is overwritten
  if (migrate_now) migrate();
}

int SqliteStore::schema_version() {
  // Schema 3 and later: the schema_version table. Before: SQLite's user_version.
  Statement has_table(conn_, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
  has_table.step();
  if (has_table.integer(0) == 1) {
    Statement v(conn_, "SELECT coalesce(max(version), 0) FROM schema_version");
    v.step();
    return static_cast<int>(v.integer(0));
  }
  Statement v(conn_, "PRAGMA user_version");
  v.step();
  return static_cast<int>(v.integer(0));
}

std::pair<int, int> SqliteStore::migrate() {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);  // BEGIN IMMEDIATE: one process migrates, the others wait and find it done
  int current = schema_version();
  if (current > kSchemaVersion)
    throw StoreError("the store has schema " + std::to_string(current) + ", newer than this tokengate's (" +
                     std::to_string(kSchemaVersion) + "): it was written by a newer version; run that one");
  for (int next = current + 1; next <= kSchemaVersion; ++next) {
    conn_.exec(kMigrations[next - 1]);
    if (next >= 3) {
      if (next == 3) {  // the versions before the table, recorded in it
        for (int earlier = 1; earlier < 3; ++earlier) {
          Statement s(conn_, "INSERT OR IGNORE INTO schema_version (version, applied_at) VALUES (?1, unixepoch())");
          s.bind(1, int64_t{earlier}).run();
        }
      }
      Statement s(conn_, "INSERT INTO schema_version (version, applied_at) VALUES (?1, unixepoch())");
      s.bind(1, int64_t{next}).run();
    }
  }
  if (current != kSchemaVersion) conn_.exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
  tx.commit();
  return {current, kSchemaVersion};
}

std::vector<ClientRecord> SqliteStore::list_clients() {
  std::lock_guard lock(mutex_);
  Statement s(conn_, (std::string(kSelectClient) + " ORDER BY created_at, id").c_str());
  std::vector<ClientRecord> out;
  while (s.step()) out.push_back(read_client(s));
  return out;
}

std::optional<ClientRecord> SqliteStore::find_client(const std::string& id) {
  std::lock_guard lock(mutex_);
  Statement s(conn_, (std::string(kSelectClient) + " WHERE id = ?1").c_str());
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_client(s);
}

void SqliteStore::insert_client(const ClientRecord& c, const AuditRecord* audit) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  Statement s(conn_,
              "INSERT INTO clients (id, name, secret_sha256, scopes, audience, token_ttl, enabled, created_at, "
              "updated_at, generation, previous_secret_sha256, previous_secret_until, auth_method, jwks, jwks_uri, "
              "token_binding, quota) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
  s.bind(1, c.id).bind(2, c.name).bind_blob(3, c.secret_digest.data(), c.secret_digest.size());
  s.bind(4, common::join_scopes(c.scopes)).bind(5, c.audience).bind(6, c.token_ttl).bind(7, int64_t{c.enabled});
  s.bind(8, c.created_at).bind(9, c.updated_at).bind(10, c.generation);
  bind_previous_secret(s, 11, c);
  s.bind(13, std::string(auth_name(c.auth))).bind(14, c.jwks).bind(15, c.jwks_uri).bind(16, token_binding_json(c));
  s.bind(17, limits::quota_text(c.quota));
  s.run();
  if (audit) insert_audit(*audit);
  tx.commit();
}

bool SqliteStore::update_client(const ClientRecord& c, const std::vector<RevocationRecord>& revocations,
                                const AuditRecord* audit, const std::string* read_generation) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  Statement s(conn_,
              "UPDATE clients SET name = ?2, secret_sha256 = ?3, scopes = ?4, audience = ?5, token_ttl = ?6, "
              "enabled = ?7, updated_at = ?8, generation = ?9, previous_secret_sha256 = ?11, previous_secret_until = ?12, "
              "auth_method = ?13, jwks = ?14, jwks_uri = ?15, token_binding = ?16, quota = ?17 WHERE id = ?1 AND (?10 IS NULL OR generation = ?10)");
  s.bind(1, c.id).bind(2, c.name).bind_blob(3, c.secret_digest.data(), c.secret_digest.size());
  s.bind(4, common::join_scopes(c.scopes)).bind(5, c.audience).bind(6, c.token_ttl).bind(7, int64_t{c.enabled});
  s.bind(8, c.updated_at).bind(9, c.generation);
  if (read_generation) s.bind(10, *read_generation); else s.bind_null(10);
  bind_previous_secret(s, 11, c);
  s.bind(13, std::string(auth_name(c.auth))).bind(14, c.jwks).bind(15, c.jwks_uri).bind(16, token_binding_json(c));
  s.bind(17, limits::quota_text(c.quota));
  s.run();
  if (s.changes() != 1) {  // rolled back
    Statement exists(conn_, "SELECT 1 FROM clients WHERE id = ?1");
    exists.bind(1, c.id);
    if (exists.step()) throw ConcurrentChange("client " + c.id + " was changed meanwhile");
    return false;
  }
  for (const auto& r : revocations) insert_revocation(r);
  if (audit) insert_audit(*audit);
  tx.commit();
  return true;
}

bool SqliteStore::delete_client(const std::string& id, const std::vector<RevocationRecord>& revocations,
                                const AuditRecord* audit) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  Statement s(conn_, "DELETE FROM clients WHERE id = ?1");
  s.bind(1, id);
  s.run();
  if (s.changes() != 1) return false;
  for (const auto& r : revocations) insert_revocation(r);
  if (audit) insert_audit(*audit);
  tx.commit();
  return true;
}

std::vector<KeyRecord> SqliteStore::list_keys() {
  std::lock_guard lock(mutex_);
  Statement s(conn_, (std::string(kSelectKey) + " ORDER BY activates_at, created_at, kid").c_str());
  std::vector<KeyRecord> out;
  while (s.step()) out.push_back(read_key(s));
  return out;
}

void SqliteStore::insert_key(const KeyRecord& k) {
  Statement s(conn_,
              "INSERT INTO signing_keys (kid, alg, private_pem, created_at, retired_at, activates_at, withdrawn_at, "
              "public_jwk) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  s.bind(1, k.kid).bind(2, jose::to_string(k.alg)).bind(3, k.private_pem).bind(4, k.created_at);
  if (k.retired_at) s.bind(5, *k.retired_at); else s.bind_null(5);
  s.bind(6, k.activates_at);
  if (k.withdrawn_at) s.bind(7, *k.withdrawn_at); else s.bind_null(7);
  s.bind(8, k.public_jwk);
  s.run();
}

void SqliteStore::insert_revocation(const RevocationRecord& r) {
  Statement s(conn_,
              "INSERT INTO revocations (kind, key, client_id, revoked_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5) "
              "ON CONFLICT (kind, key) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)");
  s.bind(1, kind_name(r.kind)).bind(2, r.key).bind(3, r.client_id).bind(4, r.revoked_at).bind(5, r.expires_at);
  s.run();
}

void SqliteStore::rotate_key(const KeyRecord& key, const AuditRecord* audit) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  // The head retires when its successor activates; a key still waiting to activate is retired at
  // the same moment (so it never signs), as is any whose scheduled retirement lies beyond it.
  Statement retire(conn_, "UPDATE signing_keys SET retired_at = ?1 WHERE retired_at IS NULL OR retired_at > ?1");
  retire.bind(1, key.activates_at).run();
  insert_key(key);
  if (audit) insert_audit(*audit);
  tx.commit();
}

KeyRecord SqliteStore::ensure_active_key(const KeyRecord& candidate) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  Statement s(conn_, (std::string(kSelectKey) + " WHERE retired_at IS NULL").c_str());
  if (s.step()) return read_key(s);  // rolled back: nothing written
  insert_key(candidate);
  tx.commit();
  return candidate;
}

bool SqliteStore::withdraw_key(const std::string& kid, int64_t now, const AuditRecord* audit) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  Statement s(conn_,
              "UPDATE signing_keys SET withdrawn_at = ?2, private_pem = '', "
              "retired_at = CASE WHEN retired_at IS NULL OR retired_at > ?2 THEN ?2 ELSE retired_at END "
              "WHERE kid = ?1");
  s.bind(1, kid).bind(2, now).run();
  if (s.changes() != 1) return false;
  if (audit) insert_audit(*audit);
  tx.commit();
  conn_.exec("PRAGMA wal_checkpoint(TRUNCATE)");  // see purge_retired_keys
  return true;
}

bool SqliteStore::seal_key(const std::string& kid, const std::string& clear_pem, const std::string& sealed_pem) {
  std::lock_guard lock(mutex_);
  Statement s(conn_, "UPDATE signing_keys SET private_pem = ?3 WHERE kid = ?1 AND private_pem = ?2");
  s.bind(1, kid).bind(2, clear_pem).bind(3, sealed_pem).run();
  bool sealed = s.changes() == 1;
  if (sealed) conn_.exec("PRAGMA wal_checkpoint(TRUNCATE)");  // the clear page images leave the WAL too
  return sealed;
}

int SqliteStore::purge_retired_keys(int64_t cutoff, int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  Statement s(conn_, "DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < ?1");
  s.bind(1, cutoff).run();
  int deleted = s.changes();
  Statement forget(conn_,
                   "UPDATE signing_keys SET private_pem = '' WHERE retired_at IS NOT NULL AND retired_at <= ?1 "
                   "AND private_pem != '' AND public_jwk != ''");
  forget.bind(1, now).run();
  bool forgot = forget.changes() > 0;
  tx.commit();
  // The old page images (with the private halves) are in the WAL until a checkpoint: copy back and
  // truncate it now, so that the key is gone from the files too.
  if (forgot) conn_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return deleted;
}

void SqliteStore::add_revocation(const RevocationRecord& revocation) {
  std::lock_guard lock(mutex_);
  insert_revocation(revocation);
}

std::vector<RevocationRecord> SqliteStore::list_revocations(int64_t now) { return list_revocations_after(-1, now); }

std::vector<RevocationRecord> SqliteStore::list_revocations_after(int64_t seq, int64_t now) {
  std::lock_guard lock(mutex_);
  Statement s(conn_,
              "SELECT kind, key, client_id, revoked_at, expires_at, seq FROM revocations WHERE expires_at >= ?1 AND seq > ?2");
  s.bind(1, now).bind(2, seq);
  std::vector<RevocationRecord> out;
  while (s.step()) {
    RevocationRecord r;
    r.kind = s.text(0) == "token" ? RevocationRecord::Kind::token : RevocationRecord::Kind::generation;
    r.key = s.text(1);
    r.client_id = s.text(2);
    r.revoked_at = s.integer(3);
    r.expires_at = s.integer(4);
    r.seq = s.integer(5);
    out.push_back(std::move(r));
  }
  return out;
}

int SqliteStore::purge_revocations(int64_t now) {
  std::lock_guard lock(mutex_);
  Statement s(conn_, "DELETE FROM revocations WHERE expires_at < ?1");
  s.bind(1, now).run();
  return s.changes();
}

namespace {

constexpr const char* kSelectFederation =
    "SELECT id, issuer, keys, keys_url, audience, subject, conditions, client_id, created_at FROM federations";

FederationRecord read_federation(const Statement& s) {
  FederationRecord f;
  f.id = s.text(0);
  f.issuer = s.text(1);
  auto keys = parse_keys(s.text(2));
  if (!keys) throw StoreError("federation " + f.id + " has an unknown key source " + s.text(2));
  f.keys = *keys;
  f.keys_url = s.text(3);
  f.audience = s.text(4);
  f.subject = s.text(5);
  try {
    f.conditions = parse_conditions(s.text(6));
  } catch (const std::exception& e) {
    throw StoreError("federation " + f.id + ": " + e.what());
  }
  f.client_id = s.text(7);
  f.created_at = s.integer(8);
  return f;
}

}  // namespace

std::vector<FederationRecord> SqliteStore::list_federations() {
  std::lock_guard lock(mutex_);
  Statement s(conn_, (std::string(kSelectFederation) + " ORDER BY created_at, id").c_str());
  std::vector<FederationRecord> out;
  while (s.step()) out.push_back(read_federation(s));
  return out;
}

void SqliteStore::insert_federation(const FederationRecord& f, const AuditRecord* audit) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  Statement s(conn_,
              "INSERT INTO federations (id, issuer, keys, keys_url, audience, subject, conditions, client_id, created_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  s.bind(1, f.id).bind(2, f.issuer).bind(3, std::string(keys_name(f.keys))).bind(4, f.keys_url).bind(5, f.audience);
  s.bind(6, f.subject).bind(7, conditions_json(f.conditions)).bind(8, f.client_id).bind(9, f.created_at);
  s.run();
  if (audit) insert_audit(*audit);
  tx.commit();
}

bool SqliteStore::delete_federation(const std::string& id, const AuditRecord* audit) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  Statement s(conn_, "DELETE FROM federations WHERE id = ?1");
  s.bind(1, id);
  s.run();
  if (s.changes() != 1) return false;
  if (audit) insert_audit(*audit);
  tx.commit();
  return true;
}

// A write without the fsync of every other write, for the frequent ones that are cheap to lose to
// a power cut (never to a crash of the process: WAL): used assertions, quota claims, failure counts.
class SqliteStore::Unsynced {
 public:
  explicit Unsynced(Connection& conn) : conn_(conn) { conn_.exec("PRAGMA synchronous=NORMAL"); }
  ~Unsynced() {
    try {
      conn_.exec("PRAGMA synchronous=FULL");
    } catch (...) {
    }
  }

 private:
  Connection& conn_;
};

std::vector<bool> SqliteStore::record_assertions(const std::vector<UsedAssertion>& batch) {
  std::lock_guard lock(mutex_);
  // Without the fsync of every other write: a batch lost to a power cut (never to a crash of the
  // process: WAL) could let its assertions be used again within their few minutes of life, while
  // an fsync per batch would cost every assertion grant a disk flush. The next write of another
  // kind flushes these too.
  Unsynced unsynced(conn_);
  Transaction tx(conn_);
  std::vector<bool> fresh;
  fresh.reserve(batch.size());
  Statement s(conn_, "INSERT OR IGNORE INTO used_assertions (client_id, jti, expires_at) VALUES (?1, ?2, ?3)");
  for (const auto& a : batch) {
    s.reset();
    s.bind(1, a.client_id).bind(2, a.jti).bind(3, a.expires_at).run();
    fresh.push_back(s.changes() == 1);
  }
  tx.commit();
  return fresh;
}

int SqliteStore::purge_assertions(int64_t now) {
  std::lock_guard lock(mutex_);
  Statement s(conn_, "DELETE FROM used_assertions WHERE expires_at < ?1");
  s.bind(1, now).run();
  return s.changes();
}

void SqliteStore::insert_audit(const AuditRecord& e) {
  Statement s(conn_, "INSERT INTO audit_events (at, actor, action, target, address, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  s.bind(1, e.at).bind(2, e.actor).bind(3, e.action).bind(4, e.target).bind(5, e.address).bind(6, e.detail);
  s.run();
}

std::string SqliteStore::ensure_secret(const std::string& name, const std::string& candidate) {
  std::lock_guard lock(mutex_);
  Statement insert(conn_, "INSERT OR IGNORE INTO server_secrets (name, value, created_at) VALUES (?1, ?2, unixepoch())");
  insert.bind(1, name).bind(2, candidate).run();
  Statement s(conn_, "SELECT value FROM server_secrets WHERE name = ?1");
  s.bind(1, name);
  if (!s.step()) throw StoreError("the shared value " + name + " was not stored");
  return s.text(0);
}

std::optional<std::string> SqliteStore::find_secret(const std::string& name) {
  std::lock_guard lock(mutex_);
  Statement s(conn_, "SELECT value FROM server_secrets WHERE name = ?1");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

std::vector<QuotaGrant> SqliteStore::claim_quota(const std::string& node, const std::vector<QuotaClaim>& claims,
                                                 int64_t now, int64_t lease_seconds) {
  std::lock_guard lock(mutex_);
  Unsynced unsynced(conn_);
  Transaction tx(conn_);  // BEGIN IMMEDIATE: the one writer, so no other claim runs meanwhile
  Statement period(conn_, "INSERT OR IGNORE INTO quota_periods (client_id, period_start, period_end) VALUES (?1, ?2, ?3)");
  Statement mine(conn_,
                 "INSERT INTO quota_leases (client_id, period_start, node, used, held, expires_at) "
                 "VALUES (?1, ?2, ?3, ?4, 0, ?5) ON CONFLICT (client_id, period_start, node) DO UPDATE SET "
                 "used = max(used, excluded.used), held = 0, expires_at = excluded.expires_at RETURNING used");
  Statement others(conn_,
                   "SELECT coalesce(sum(used), 0), coalesce(sum(CASE WHEN expires_at > ?4 THEN held ELSE 0 END), 0) "
                   "FROM quota_leases WHERE client_id = ?1 AND period_start = ?2 AND node <> ?3");
  Statement hold(conn_, "UPDATE quota_leases SET held = ?4 WHERE client_id = ?1 AND period_start = ?2 AND node = ?3");
  Statement exhaust(conn_,
                    "UPDATE quota_periods SET exhausted_at = ?3 WHERE client_id = ?1 AND period_start = ?2 AND exhausted_at = 0");
  std::vector<QuotaGrant> grants;
  for (const auto& c : claims) {
    period.reset();
    period.bind(1, c.client_id).bind(2, c.period_start).bind(3, c.period_end).run();
    mine.reset();
    mine.bind(1, c.client_id).bind(2, c.period_start).bind(3, node).bind(4, c.used).bind(5, now + lease_seconds);
    if (!mine.step()) throw StoreError("the quota lease of " + c.client_id + " was not written");
    int64_t used = mine.integer(0);
    while (mine.step()) {
    }
    others.reset();
    others.bind(1, c.client_id).bind(2, c.period_start).bind(3, node).bind(4, now);
    others.step();
    QuotaGrant g;
    g.held_elsewhere = others.integer(1);
    g.period_used = others.integer(0) + used;
    g.held = std::max<int64_t>(0, std::min(c.want, c.limit - g.period_used - g.held_elsewhere));
    hold.reset();
    hold.bind(1, c.client_id).bind(2, c.period_start).bind(3, node).bind(4, g.held).run();
    if (c.refused && g.period_used >= c.limit) {
      exhaust.reset();
      exhaust.bind(1, c.client_id).bind(2, c.period_start).bind(3, now).run();
      g.first_exhaustion = exhaust.changes() == 1;
    }
    grants.push_back(g);
  }
  tx.commit();
  return grants;
}

QuotaUse SqliteStore::quota_use(const std::string& client_id, int64_t period_start, int64_t now) {
  std::lock_guard lock(mutex_);
  Statement s(conn_,
              "SELECT coalesce(sum(used), 0), coalesce(sum(CASE WHEN expires_at > ?3 THEN held ELSE 0 END), 0), "
              "(SELECT exhausted_at FROM quota_periods WHERE client_id = ?1 AND period_start = ?2) "
              "FROM quota_leases WHERE client_id = ?1 AND period_start = ?2");
  s.bind(1, client_id).bind(2, period_start).bind(3, now);
  QuotaUse use;
  if (s.step()) {
    use.used = s.integer(0);
    use.held = s.integer(1);
    use.exhausted = !s.is_null(2) && s.integer(2) > 0;
  }
  return use;
}

int SqliteStore::purge_quota(int64_t before) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  Statement leases(conn_,
                   "DELETE FROM quota_leases WHERE (client_id, period_start) IN "
                   "(SELECT client_id, period_start FROM quota_periods WHERE period_end < ?1)");
  leases.bind(1, before).run();
  Statement periods(conn_, "DELETE FROM quota_periods WHERE period_end < ?1");
  periods.bind(1, before).run();
  tx.commit();
  return periods.changes();
}

FailureExchange SqliteStore::exchange_failures(const std::string& node, const std::vector<FailureDelta>& deltas,
                                               int64_t since_ms, int64_t now, int64_t window_seconds) {
  std::lock_guard lock(mutex_);
  Unsynced unsynced(conn_);
  Transaction tx(conn_);
  int64_t now_ms = now * 1000;
  Statement add(conn_,
                "INSERT INTO shared_failures (key, window_start, count, updated_ms) VALUES (?1, ?2, ?3, ?4) "
                "ON CONFLICT (key) DO UPDATE SET "
                "count = CASE WHEN window_start + ?5 <= ?2 THEN excluded.count ELSE count + excluded.count END, "
                "window_start = CASE WHEN window_start + ?5 <= ?2 THEN excluded.window_start ELSE window_start END, "
                "updated_ms = excluded.updated_ms");
  for (const auto& d : deltas) {
    add.reset();
    add.bind(1, d.key).bind(2, now).bind(3, d.count).bind(4, now_ms).bind(5, window_seconds).run();
  }
  Statement alive(conn_, "INSERT INTO limit_nodes (node, seen_at) VALUES (?1, ?2) "
                         "ON CONFLICT (node) DO UPDATE SET seen_at = excluded.seen_at");
  alive.bind(1, node).bind(2, now).run();
  FailureExchange x;
  x.read_at_ms = now_ms;
  Statement changed(conn_, "SELECT key, window_start, count FROM shared_failures WHERE updated_ms >= ?1 AND window_start + ?2 > ?3");
  changed.bind(1, since_ms - 1000).bind(2, window_seconds).bind(3, now);
  while (changed.step()) x.changed.push_back(SharedFailure{changed.text(0), changed.integer(1), changed.integer(2)});
  Statement nodes(conn_, "SELECT count(*) FROM limit_nodes WHERE seen_at >= ?1");
  nodes.bind(1, now - kLiveNodeSeconds);
  nodes.step();
  x.live_nodes = static_cast<int>(std::max<int64_t>(1, nodes.integer(0)));
  tx.commit();
  return x;
}

int SqliteStore::purge_failures(int64_t before) {
  std::lock_guard lock(mutex_);
  Statement s(conn_, "DELETE FROM shared_failures WHERE window_start < ?1");
  s.bind(1, before).run();
  Statement nodes(conn_, "DELETE FROM limit_nodes WHERE seen_at < ?1");
  nodes.bind(1, before).run();
  return s.changes();
}

// One transaction (one fsync) for the batch, but an entry SQLite refuses loses only itself.
void SqliteStore::append_audit(const std::vector<AuditRecord>& entries) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  for (const auto& e : entries) {
    try {
      insert_audit(e);
    } catch (const StoreError& error) {
      spdlog::warn("audit trail: an entry ({}) was refused by the database: {}", e.action, error.what());
    }
  }
  tx.commit();
}

std::vector<AuditRecord> SqliteStore::list_audit(const AuditQuery& q) {
  std::lock_guard lock(mutex_);
  Statement s(conn_,
              "SELECT id, at, actor, action, target, address, detail FROM audit_events "
              "WHERE (?1 = '' OR target = ?1) AND at >= ?2 AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?4");
  s.bind(1, q.target).bind(2, q.since).bind(3, q.before_id).bind(4, int64_t{q.limit});
  std::vector<AuditRecord> out;
  while (s.step()) {
    AuditRecord e;
    e.id = s.integer(0);
    e.at = s.integer(1);
    e.actor = s.text(2);
    e.action = s.text(3);
    e.target = s.text(4);
    e.address = s.text(5);
    e.detail = s.text(6);
    out.push_back(std::move(e));
  }
  return out;
}

int SqliteStore::purge_audit(int64_t before, int64_t max_failures) {
  std::lock_guard lock(mutex_);
  Transaction tx(conn_);
  Statement old(conn_, "DELETE FROM audit_events WHERE at < ?1");
  old.bind(1, before).run();
  int deleted = old.changes();
  Statement excess(conn_,
                   "DELETE FROM audit_events WHERE action = 'auth.failure' AND id <= (SELECT id FROM audit_events "
                   "WHERE action = 'auth.failure' ORDER BY id DESC LIMIT 1 OFFSET ?1)");
  excess.bind(1, max_failures).run();
  deleted += excess.changes();
  tx.commit();
  return deleted;
}

uint64_t SqliteStore::change_counter() {
  std::lock_guard lock(mutex_);
  // data_version changes when another connection commits (https://sqlite.org/pragma.html#pragma_data_version).
  Statement s(conn_, "PRAGMA data_version");
  s.step();
  return static_cast<uint64_t>(s.integer(0));
}

}  // namespace tokengate::store::sqlite
