#include "store/postgres/postgres_store.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <cstring>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/scope_list.hpp"
#include "limits/quota.hpp"

namespace tokengate::store::postgres {
namespace {

// An application-wide advisory lock key (pg_advisory_xact_lock): migrations and the first key.
constexpr const char* kLockKey = "7812730290394775923";

// Migrations, in order: migration N brings a store from schema N-1 to N. Never edit one that has
// shipped; add the next.
constexpr const char* kMigrations[] = {
    // 1: everything the SQLite store's schema 3 has.
    R"sql(
CREATE TABLE clients (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  secret_sha256 BYTEA NOT NULL,
  scopes        TEXT NOT NULL DEFAULT '',
  audience      TEXT NOT NULL DEFAULT '',
  token_ttl     BIGINT NOT NULL DEFAULT 0,
  enabled       BOOLEAN NOT NULL DEFAULT TRUE,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  generation    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE signing_keys (
  kid          TEXT PRIMARY KEY,
  alg          TEXT NOT NULL,
  private_pem  TEXT NOT NULL,
  public_jwk   TEXT NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL,
  activates_at BIGINT NOT NULL,
  retired_at   BIGINT,
  withdrawn_at BIGINT
);
CREATE UNIQUE INDEX one_active_key ON signing_keys((retired_at IS NULL)) WHERE retired_at IS NULL;
CREATE TABLE revocations (
  kind       TEXT NOT NULL,
  key        TEXT NOT NULL,
  client_id  TEXT NOT NULL DEFAULT '',
  revoked_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX revocations_by_expiry ON revocations(expires_at);
-- Every row changed bumps the version and tells every listening node (PostgreSQL folds identical
-- notifications of one transaction into one; a statement that changes nothing says nothing).
CREATE TABLE store_state (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), version BIGINT NOT NULL);
INSERT INTO store_state VALUES (TRUE, 0);
CREATE FUNCTION tokengate_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE store_state SET version = version + 1;
  PERFORM pg_notify('tokengate_changes', '');
  RETURN NULL;
END $$;
CREATE TRIGGER clients_changed AFTER INSERT OR UPDATE OR DELETE ON clients
  FOR EACH ROW EXECUTE FUNCTION tokengate_changed();
CREATE TRIGGER signing_keys_changed AFTER INSERT OR UPDATE OR DELETE ON signing_keys
  FOR EACH ROW EXECUTE FUNCTION tokengate_changed();
CREATE TRIGGER revocations_changed AFTER INSERT OR UPDATE OR DELETE ON revocations
  FOR EACH ROW EXECUTE FUNCTION tokengate_changed();
)sql",
    // 2: the audit trail (no trigger: an entry changes nothing a node serves).
    R"sql(
CREATE TABLE audit_events (
  id      BIGSERIAL PRIMARY KEY,
  at      BIGINT NOT NULL,
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
    // 3: values the nodes share (the status list naming key); as the SQLite store's schema 5.
    R"sql(
CREATE TABLE server_secrets (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
INSERT INTO server_secrets (name, value, created_at)
  SELECT 'untagged_status_lists_until', (extract(epoch FROM now())::bigint + 2678400)::text,
         extract(epoch FROM now())::bigint
  WHERE EXISTS (SELECT 1 FROM signing_keys);
-- Revocations numbered in the order they were committed, so that a node's reload reads only the
-- new ones (issuer/snapshot_loader): the number comes from store_state's row, whose lock a writer
-- holds until it commits, so no transaction can commit a lower number after a higher one is seen.
ALTER TABLE revocations ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE FUNCTION tokengate_revocation_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE store_state SET version = version + 1 RETURNING version INTO NEW.seq;
  RETURN NEW;
END $$;
CREATE TRIGGER revocations_seq BEFORE INSERT ON revocations
  FOR EACH ROW EXECUTE FUNCTION tokengate_revocation_seq();
CREATE INDEX revocations_by_seq ON revocations(seq);
)sql",
    // 4: a client's previous secret, accepted until the grace period of its rotation ends; as the
    // SQLite store's schema 6.
    R"sql(
ALTER TABLE clients ADD COLUMN previous_secret_sha256 BYTEA;
ALTER TABLE clients ADD COLUMN previous_secret_until BIGINT NOT NULL DEFAULT 0;
)sql",
    // 5: clients that authenticate with keys (private_key_jwt) and the assertions they used, each
    // once on every node; trusted external issuers (workload identity federation); as the SQLite
    // store's schema 7. No trigger on used_assertions: a used assertion is no change a node
    // reloads for.
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
  created_at  BIGINT NOT NULL
);
CREATE TRIGGER federations_changed AFTER INSERT OR UPDATE OR DELETE ON federations
  FOR EACH ROW EXECUTE FUNCTION tokengate_changed();
ALTER TABLE clients ADD COLUMN auth_method TEXT NOT NULL DEFAULT 'client_secret';
ALTER TABLE clients ADD COLUMN jwks TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN jwks_uri TEXT NOT NULL DEFAULT '';
CREATE TABLE used_assertions (
  client_id  TEXT NOT NULL,
  jti        TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE INDEX used_assertions_by_expiry ON used_assertions(expires_at);
)sql",
    // 6: sender-constrained tokens and certificate clients; as the SQLite store's schema 8.
    R"sql(
ALTER TABLE clients ADD COLUMN token_binding TEXT NOT NULL DEFAULT '';
)sql",
    // 7: token quotas and their leases, failed authentications counted for all nodes; as the
    // SQLite store's schema 9. No trigger: none of it is a change a node reloads for. A claim is
    // one function call per client, all of a node's claims one statement (one round trip).
    R"sql(
ALTER TABLE clients ADD COLUMN quota TEXT NOT NULL DEFAULT '';
CREATE TABLE quota_periods (
  client_id    TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  period_end   BIGINT NOT NULL,
  exhausted_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (client_id, period_start)
);
CREATE TABLE quota_leases (
  client_id    TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  node         TEXT NOT NULL,
  used         BIGINT NOT NULL,
  held         BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  PRIMARY KEY (client_id, period_start, node)
);
-- The period's row is locked first: claims for one client's period run one after the other,
-- whichever nodes make them.
CREATE FUNCTION tokengate_claim_quota(p_node TEXT, p_client TEXT, p_start BIGINT, p_end BIGINT, p_limit BIGINT,
    p_used BIGINT, p_want BIGINT, p_refused BOOLEAN, p_now BIGINT, p_ttl BIGINT,
    OUT o_held BIGINT, OUT o_period_used BIGINT, OUT o_held_elsewhere BIGINT, OUT o_first_exhaustion BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
  mine BIGINT;
BEGIN
  INSERT INTO quota_periods (client_id, period_start, period_end) VALUES (p_client, p_start, p_end)
    ON CONFLICT DO NOTHING;
  PERFORM 1 FROM quota_periods WHERE client_id = p_client AND period_start = p_start FOR UPDATE;
  INSERT INTO quota_leases AS l (client_id, period_start, node, used, held, expires_at)
    VALUES (p_client, p_start, p_node, p_used, 0, p_now + p_ttl)
    ON CONFLICT (client_id, period_start, node) DO UPDATE
      SET used = greatest(l.used, excluded.used), held = 0, expires_at = excluded.expires_at
    RETURNING l.used INTO mine;
  SELECT coalesce(sum(q.used), 0), coalesce(sum(CASE WHEN q.expires_at > p_now THEN q.held ELSE 0 END), 0)
    INTO o_period_used, o_held_elsewhere
    FROM quota_leases q WHERE q.client_id = p_client AND q.period_start = p_start AND q.node <> p_node;
  o_period_used := o_period_used + mine;
  o_held := greatest(0, least(p_want, p_limit - o_period_used - o_held_elsewhere));
  UPDATE quota_leases SET held = o_held WHERE client_id = p_client AND period_start = p_start AND node = p_node;
  o_first_exhaustion := false;
  IF p_refused AND o_period_used >= p_limit THEN
    UPDATE quota_periods SET exhausted_at = p_now
      WHERE client_id = p_client AND period_start = p_start AND exhausted_at = 0;
    o_first_exhaustion := FOUND;
  END IF;
END $$;
CREATE TABLE shared_failures (
  key          TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  count        BIGINT NOT NULL,
  updated_ms   BIGINT NOT NULL
);
CREATE INDEX shared_failures_by_update ON shared_failures(updated_ms);
CREATE TABLE limit_nodes (node TEXT PRIMARY KEY, seen_at BIGINT NOT NULL);
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

constexpr const char* kSelectClient =
    "SELECT id, name, secret_sha256, scopes, audience, token_ttl, enabled, created_at, updated_at, generation, "
    "previous_secret_sha256, previous_secret_until, auth_method, jwks, jwks_uri, token_binding, quota FROM clients";
constexpr const char* kSelectKey =
    "SELECT kid, alg, private_pem, created_at, retired_at, activates_at, withdrawn_at, public_jwk FROM signing_keys";

std::string num(int64_t v) { return std::to_string(v); }

// A PostgreSQL array literal of `values`, each quoted (with `"` and `\` escaped).
std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char ch : values[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}
Param opt(const std::optional<int64_t>& v) { return v ? Param(num(*v)) : std::nullopt; }

ClientRecord read_client(const Result& r, int row) {
  ClientRecord c;
  c.id = r.text(row, 0);
  c.name = r.text(row, 1);
  std::string digest = r.bytea(row, 2);
  if (digest.size() != c.secret_digest.size()) throw StoreError("client " + c.id + " has a malformed secret digest");
  std::memcpy(c.secret_digest.data(), digest.data(), digest.size());
  c.scopes = common::split_scopes(r.text(row, 3));
  c.audience = r.text(row, 4);
  c.token_ttl = r.integer(row, 5);
  c.enabled = r.text(row, 6) == "t";
  c.created_at = r.integer(row, 7);
  c.updated_at = r.integer(row, 8);
  c.generation = r.text(row, 9);
  if (!r.is_null(row, 10)) {
    std::string previous = r.bytea(row, 10);
    if (previous.size() != c.previous_secret_digest.size())
      throw StoreError("client " + c.id + " has a malformed previous secret digest");
    std::memcpy(c.previous_secret_digest.data(), previous.data(), previous.size());
    c.previous_secret_until = r.integer(row, 11);
  }
  auto auth = parse_auth(r.text(row, 12));
  if (!auth) throw StoreError("client " + c.id + " has an unknown authentication method " + r.text(row, 12));
  c.auth = *auth;
  c.jwks = r.text(row, 13);
  c.jwks_uri = r.text(row, 14);
  if (!read_token_binding(r.text(row, 15), c)) throw StoreError("client " + c.id + " has a malformed token_binding");
  auto quota = limits::parse_quota(r.text(row, 16));
  if (!quota) throw StoreError("client " + c.id + " has a malformed quota " + r.text(row, 16));
  c.quota = *quota;
  return c;
}

KeyRecord read_key(const Result& r, int row) {
  KeyRecord k;
  k.kid = r.text(row, 0);
  auto alg = jose::parse_algorithm(r.text(row, 1));
  if (!alg) throw StoreError("signing key " + k.kid + " has an unknown algorithm " + r.text(row, 1));
  k.alg = *alg;
  k.private_pem = r.text(row, 2);
  k.created_at = r.integer(row, 3);
  if (!r.is_null(row, 4)) k.retired_at = r.integer(row, 4);
  k.activates_at = r.integer(row, 5);
  if (!r.is_null(row, 6)) k.withdrawn_at = r.integer(row, 6);
  k.public_jwk = r.text(row, 7);
  return k;
}

std::vector<Param> client_params(const ClientRecord& c) {
  return {c.id, c.name, bytea_param(c.secret_digest.data(), c.secret_digest.size()), common::join_scopes(c.scopes),
          c.audience, num(c.token_ttl), std::string(c.enabled ? "true" : "false"), num(c.created_at),
          num(c.updated_at), c.generation,
          c.previous_secret_until > 0 ? Param(bytea_param(c.previous_secret_digest.data(), c.previous_secret_digest.size()))
                                      : std::nullopt,
          num(c.previous_secret_until > 0 ? c.previous_secret_until : 0), std::string(auth_name(c.auth)), c.jwks,
          c.jwks_uri, token_binding_json(c), limits::quota_text(c.quota)};
}

const char* kind_name(RevocationRecord::Kind kind) {
  return kind == RevocationRecord::Kind::token ? "token" : "generation";
}

// LISTEN on a connection of its own, on a thread of its own; reconnects (with backoff) when it is lost.
class PgChangeFeed final : public ChangeFeed {
 public:
  PgChangeFeed(std::string uri, std::function<void()> changed)
      : uri_(std::move(uri)), changed_(std::move(changed)), thread_([this] { run(); }) {}
  ~PgChangeFeed() override {
    stopping_ = true;
    thread_.join();
  }

 private:
  void run() {
    auto backoff = std::chrono::milliseconds(250);
    while (!stopping_) {
      try {
        Connection conn(uri_);
        conn.exec("LISTEN tokengate_changes");
        backoff = std::chrono::milliseconds(250);
        changed_();  // whatever was missed while not listening
        while (!stopping_) {
          pollfd fd{PQsocket(conn.get()), POLLIN, 0};
          if (::poll(&fd, 1, 200) < 0) break;
          if (fd.revents && PQconsumeInput(conn.get()) != 1) break;  // the connection is gone
          bool any = false;
          while (PGnotify* n = PQnotifies(conn.get())) {
            any = true;
            PQfreemem(n);
          }
          if (any) changed_();
        }
      } catch (const std::exception& e) {
        spdlog::debug("PostgreSQL change feed: {}", e.what());
      }
      for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_; waited += std::chrono::milliseconds(50))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }

  std::string uri_;
  std::function<void()> changed_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace

PostgresStore::PostgresStore(const std::string& uri, Schema schema) : uri_(uri) {
  conn_ = std::make_unique<Connection>(uri_);
  if (schema == Schema::migrate) {
    migrate();
  } else if (schema == Schema::require_current) {
    auto r = conn_->exec("SELECT to_regclass('schema_version') IS NOT NULL");
    int current = 0;
    if (r.text(0, 0) == "t") current = static_cast<int>(conn_->exec("SELECT max(version) FROM schema_version").integer(0, 0));
    if (current != kSchemaVersion)
      throw StoreError("the PostgreSQL store " + conn_->where() + " has schema " + std::to_string(current) +
                       ", this tokengate needs " + std::to_string(kSchemaVersion) + ": run tokengate store migrate");
  }
}

std::pair<int, int> PostgresStore::migrate() {
  std::lock_guard lock(mutex_);
  Transaction tx(*conn_);
  // One node migrates; the others wait here, then find nothing to do.
  conn_->exec(std::string("SELECT pg_advisory_xact_lock(") + kLockKey + ")");
  conn_->exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
  auto r = conn_->exec("SELECT coalesce(max(version), 0) FROM schema_version");
  int current = static_cast<int>(r.integer(0, 0));
  if (current > kSchemaVersion)
    throw StoreError("the PostgreSQL store " + conn_->where() + " has schema " + std::to_string(current) +
                     ", newer than this tokengate's (" + std::to_string(kSchemaVersion) +
                     "): it was written by a newer version; run that one");
  for (int next = current + 1; next <= kSchemaVersion; ++next) {
    conn_->exec_script(kMigrations[next - 1]);
    conn_->exec("INSERT INTO schema_version (version, applied_at) VALUES ($1, extract(epoch from now())::bigint)",
                {std::to_string(next)});
  }
  tx.commit();
  return {current, kSchemaVersion};
}

template <class Work>
auto PostgresStore::with_connection(Work&& work) {
  std::lock_guard lock(mutex_);
  if (!conn_->ok()) {
    auto now = std::chrono::steady_clock::now();
    if (now < next_attempt_)
      throw StoreError("PostgreSQL at " + conn_->where() + " is unreachable (the next attempt to reconnect is in " +
                       std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(next_attempt_ - now).count()) +
                       " ms)");
    try {
      conn_->reconnect();
      backoff_ = std::chrono::milliseconds(250);
    } catch (...) {
      next_attempt_ = now + backoff_;
      backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(5000));
      throw;
    }
  }
  return work(*conn_);
}

std::vector<ClientRecord> PostgresStore::list_clients() {
  return with_connection([](Connection& c) {
    auto r = c.exec(std::string(kSelectClient) + " ORDER BY created_at, id");
    std::vector<ClientRecord> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_client(r, i));
    return out;
  });
}

std::optional<ClientRecord> PostgresStore::find_client(const std::string& id) {
  return with_connection([&](Connection& c) -> std::optional<ClientRecord> {
    auto r = c.exec(std::string(kSelectClient) + " WHERE id = $1", {id});
    if (r.rows() == 0) return std::nullopt;
    return read_client(r, 0);
  });
}

void PostgresStore::insert_client(const ClientRecord& client, const AuditRecord* audit) {
  with_connection([&](Connection& c) {
    Transaction tx(c);
    c.exec("INSERT INTO clients (id, name, secret_sha256, scopes, audience, token_ttl, enabled, created_at, "
           "updated_at, generation, previous_secret_sha256, previous_secret_until, auth_method, jwks, jwks_uri, "
           "token_binding, quota) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
           client_params(client));
    if (audit) insert_audit(*audit);
    tx.commit();
  });
}

void PostgresStore::insert_audit(const AuditRecord& e) {
  conn_->exec("INSERT INTO audit_events (at, actor, action, target, address, detail) VALUES ($1, $2, $3, $4, $5, $6)",
              {num(e.at), e.actor, e.action, e.target, e.address, e.detail});
}

std::string PostgresStore::ensure_secret(const std::string& name, const std::string& candidate) {
  return with_connection([&](Connection& c) {
    // Nodes starting together: one insert wins, every node reads the winner.
    c.exec("INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, extract(epoch FROM now())::bigint) "
           "ON CONFLICT (name) DO NOTHING",
           {name, candidate});
    auto r = c.exec("SELECT value FROM server_secrets WHERE name = $1", {name});
    if (r.rows() != 1) throw StoreError("the shared value " + name + " was not stored");
    return std::string(r.text(0, 0));
  });
}

std::optional<std::string> PostgresStore::find_secret(const std::string& name) {
  return with_connection([&](Connection& c) -> std::optional<std::string> {
    auto r = c.exec("SELECT value FROM server_secrets WHERE name = $1", {name});
    if (r.rows() == 0) return std::nullopt;
    return std::string(r.text(0, 0));
  });
}

std::vector<QuotaGrant> PostgresStore::claim_quota(const std::string& node, const std::vector<QuotaClaim>& claims,
                                                   int64_t now, int64_t lease_seconds) {
  if (claims.empty()) return {};
  return with_connection([&](Connection& c) {
    // One statement, one round trip, one transaction; the claims in the order given (sorted by the
    // caller, so two nodes lock periods in the same order). Leases are timed by the database's
    // clock (`now` is the node's, for SQLite's one node): the nodes' clocks need not agree.
    (void)now;
    std::vector<std::string> ids, starts, ends, limits, used, want, refused;
    for (const auto& q : claims) {
      ids.push_back(q.client_id);
      starts.push_back(num(q.period_start));
      ends.push_back(num(q.period_end));
      limits.push_back(num(q.limit));
      used.push_back(num(q.used));
      want.push_back(num(q.want));
      refused.push_back(q.refused ? "true" : "false");
    }
    auto r = c.exec(
        "SELECT g.o_held, g.o_period_used, g.o_held_elsewhere, g.o_first_exhaustion FROM "
        "unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::boolean[]) "
        "WITH ORDINALITY AS q(client_id, period_start, period_end, lim, used, want, refused, n) "
        "CROSS JOIN LATERAL tokengate_claim_quota($1, q.client_id, q.period_start, q.period_end, q.lim, q.used, "
        "q.want, q.refused, extract(epoch FROM now())::bigint, $9) AS g ORDER BY q.n",
        {node, text_array(ids), text_array(starts), text_array(ends), text_array(limits), text_array(used),
         text_array(want), text_array(refused), num(lease_seconds)});
    if (r.rows() != static_cast<int>(claims.size())) throw StoreError("the quota claims were not all answered");
    std::vector<QuotaGrant> grants;
    for (int i = 0; i < r.rows(); ++i)
      grants.push_back(QuotaGrant{r.integer(i, 0), r.integer(i, 1), r.integer(i, 2), r.text(i, 3) == "t"});
    return grants;
  });
}

QuotaUse PostgresStore::quota_use(const std::string& client_id, int64_t period_start, int64_t now) {
  return with_connection([&](Connection& c) {
    auto r = c.exec(
        "SELECT coalesce(sum(used), 0), coalesce(sum(CASE WHEN expires_at > $3 THEN held ELSE 0 END), 0), "
        "coalesce((SELECT exhausted_at FROM quota_periods WHERE client_id = $1 AND period_start = $2), 0) "
        "FROM quota_leases WHERE client_id = $1 AND period_start = $2",
        {client_id, num(period_start), num(now)});
    return QuotaUse{r.integer(0, 0), r.integer(0, 1), r.integer(0, 2) > 0};
  });
}

int PostgresStore::purge_quota(int64_t before) {
  return with_connection([&](Connection& c) {
    Transaction tx(c);
    c.exec("DELETE FROM quota_leases l USING quota_periods p WHERE l.client_id = p.client_id "
           "AND l.period_start = p.period_start AND p.period_end < $1",
           {num(before)});
    int n = c.exec("DELETE FROM quota_periods WHERE period_end < $1", {num(before)}).affected();
    tx.commit();
    return n;
  });
}

FailureExchange PostgresStore::exchange_failures(const std::string& node, const std::vector<FailureDelta>& deltas,
                                                 int64_t since_ms, int64_t now, int64_t window_seconds) {
  return with_connection([&](Connection& c) {
    // The store's clock says what changed when, so that the nodes' clocks need not agree to the
    // millisecond: a change committed up to a second after it was stamped is still read.
    std::vector<std::string> keys, counts;
    for (const auto& d : deltas) {
      keys.push_back(d.key);
      counts.push_back(num(d.count));
    }
    auto r = c.exec(
        "WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms), "
        "added AS (INSERT INTO shared_failures AS f (key, window_start, count, updated_ms) "
        "  SELECT d.key, $3::bigint, d.count, (SELECT ms FROM clock) FROM unnest($1::text[], $2::bigint[]) AS d(key, count) "
        "  ON CONFLICT (key) DO UPDATE SET "
        "  count = CASE WHEN f.window_start + $4::bigint <= $3::bigint THEN excluded.count ELSE f.count + excluded.count END, "
        "  window_start = CASE WHEN f.window_start + $4::bigint <= $3::bigint THEN excluded.window_start ELSE f.window_start END, "
        "  updated_ms = excluded.updated_ms RETURNING f.key, f.window_start, f.count), "
        "alive AS (INSERT INTO limit_nodes (node, seen_at) VALUES ($5::text, $3::bigint) "
        "  ON CONFLICT (node) DO UPDATE SET seen_at = excluded.seen_at RETURNING node) "
        "SELECT key, window_start, count, (SELECT ms FROM clock), "
        "  (SELECT count(*) FROM limit_nodes WHERE seen_at >= $7::bigint AND node <> $5::text) + (SELECT count(*) FROM alive) "
        "FROM added "
        "UNION ALL SELECT key, window_start, count, (SELECT ms FROM clock), 0 FROM shared_failures "
        "  WHERE updated_ms >= $6::bigint AND window_start + $4::bigint > $3::bigint AND key NOT IN (SELECT key FROM added) "
        "UNION ALL SELECT NULL, 0, 0, (SELECT ms FROM clock), "
        "  (SELECT count(*) FROM limit_nodes WHERE seen_at >= $7::bigint AND node <> $5::text) + (SELECT count(*) FROM alive)",
        {text_array(keys), text_array(counts), num(now), num(window_seconds), node, num(since_ms - 1000),
         num(now - kLiveNodeSeconds)});
    FailureExchange x;
    for (int i = 0; i < r.rows(); ++i) {
      if (r.is_null(i, 0)) {  // the last row: the clock and the nodes
        x.read_at_ms = r.integer(i, 3);
        x.live_nodes = static_cast<int>(std::max<int64_t>(1, r.integer(i, 4)));
        continue;
      }
      x.changed.push_back(SharedFailure{r.text(i, 0), r.integer(i, 1), r.integer(i, 2)});
    }
    return x;
  });
}

int PostgresStore::purge_failures(int64_t before) {
  return with_connection([&](Connection& c) {
    int n = c.exec("DELETE FROM shared_failures WHERE window_start < $1", {num(before)}).affected();
    c.exec("DELETE FROM limit_nodes WHERE seen_at < $1", {num(before)});
    return n;
  });
}

// Each entry is its own statement (autocommit): an entry the database refuses loses only itself,
// never the batch it came in. A lost connection ends the batch (the writer says so).
void PostgresStore::append_audit(const std::vector<AuditRecord>& entries) {
  with_connection([&](Connection& c) {
    for (const auto& e : entries) {
      try {
        insert_audit(e);
      } catch (const StoreError& error) {
        if (!c.ok()) throw;
        spdlog::warn("audit trail: an entry ({}) was refused by the database: {}", e.action, error.what());
      }
    }
  });
}

std::vector<AuditRecord> PostgresStore::list_audit(const AuditQuery& q) {
  return with_connection([&](Connection& c) {
    auto r = c.exec("SELECT id, at, actor, action, target, address, detail FROM audit_events "
                    "WHERE ($1 = '' OR target = $1) AND at >= $2 AND ($3 = 0 OR id < $3) ORDER BY id DESC LIMIT $4",
                    {q.target, num(q.since), num(q.before_id), num(q.limit)});
    std::vector<AuditRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      AuditRecord e;
      e.id = r.integer(i, 0);
      e.at = r.integer(i, 1);
      e.actor = r.text(i, 2);
      e.action = r.text(i, 3);
      e.target = r.text(i, 4);
      e.address = r.text(i, 5);
      e.detail = r.text(i, 6);
      out.push_back(std::move(e));
    }
    return out;
  });
}

int PostgresStore::purge_audit(int64_t before, int64_t max_failures) {
  return with_connection([&](Connection& c) {
    Transaction tx(c);
    int deleted = c.exec("DELETE FROM audit_events WHERE at < $1", {num(before)}).affected();
    deleted += c.exec("DELETE FROM audit_events WHERE action = 'auth.failure' AND id <= (SELECT id FROM audit_events "
                      "WHERE action = 'auth.failure' ORDER BY id DESC LIMIT 1 OFFSET $1)",
                      {num(max_failures)})
                   .affected();
    tx.commit();
    return deleted;
  });
}

void PostgresStore::insert_revocation(const RevocationRecord& r) {
  conn_->exec("INSERT INTO revocations (kind, key, client_id, revoked_at, expires_at) VALUES ($1, $2, $3, $4, $5) "
              "ON CONFLICT (kind, key) DO UPDATE SET expires_at = greatest(revocations.expires_at, excluded.expires_at)",
              {std::string(kind_name(r.kind)), r.key, r.client_id, num(r.revoked_at), num(r.expires_at)});
}

bool PostgresStore::update_client(const ClientRecord& client, const std::vector<RevocationRecord>& revocations,
                                  const AuditRecord* audit, const std::string* read_generation) {
  return with_connection([&](Connection& c) {
    Transaction tx(c);
    auto params = client_params(client);
    // created_at does not change: $8 updated_at, $9 generation, $10, $11 previous, $12 auth_method,
    // $13 jwks, $14 jwks_uri, $15 token_binding, $16 quota, $17 the generation read
    params.erase(params.begin() + 7);
    params.push_back(read_generation ? Param(*read_generation) : std::nullopt);
    auto r = c.exec("UPDATE clients SET name = $2, secret_sha256 = $3, scopes = $4, audience = $5, token_ttl = $6, "
                    "enabled = $7, updated_at = $8, generation = $9, previous_secret_sha256 = $10, "
                    "previous_secret_until = $11, auth_method = $12, jwks = $13, jwks_uri = $14, token_binding = $15, "
                    "quota = $16 WHERE id = $1 AND ($17::text IS NULL OR generation = $17)",
                    params);
    if (r.affected() != 1) {
      if (c.exec("SELECT 1 FROM clients WHERE id = $1", {client.id}).rows() == 1)
        throw ConcurrentChange("client " + client.id + " was changed meanwhile");
      return false;
    }
    for (const auto& rev : revocations) insert_revocation(rev);
    if (audit) insert_audit(*audit);
    tx.commit();
    return true;
  });
}

bool PostgresStore::delete_client(const std::string& id, const std::vector<RevocationRecord>& revocations,
                                  const AuditRecord* audit) {
  return with_connection([&](Connection& c) {
    Transaction tx(c);
    if (c.exec("DELETE FROM clients WHERE id = $1", {id}).affected() != 1) return false;
    for (const auto& rev : revocations) insert_revocation(rev);
    if (audit) insert_audit(*audit);
    tx.commit();
    return true;
  });
}

std::vector<KeyRecord> PostgresStore::list_keys() {
  return with_connection([](Connection& c) {
    auto r = c.exec(std::string(kSelectKey) + " ORDER BY activates_at, created_at, kid");
    std::vector<KeyRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_key(r, i));
    return out;
  });
}

namespace {
void insert_key(Connection& c, const KeyRecord& k) {
  c.exec("INSERT INTO signing_keys (kid, alg, private_pem, created_at, retired_at, activates_at, withdrawn_at, "
         "public_jwk) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
         {k.kid, std::string(jose::to_string(k.alg)), k.private_pem, num(k.created_at), opt(k.retired_at),
          num(k.activates_at), opt(k.withdrawn_at), k.public_jwk});
}
}  // namespace

void PostgresStore::rotate_key(const KeyRecord& key, const AuditRecord* audit) {
  with_connection([&](Connection& c) {
    Transaction tx(c);
    c.exec("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL OR retired_at > $1", {num(key.activates_at)});
    insert_key(c, key);
    if (audit) insert_audit(*audit);
    tx.commit();
  });
}

KeyRecord PostgresStore::ensure_active_key(const KeyRecord& candidate) {
  return with_connection([&](Connection& c) {
    Transaction tx(c);
    // N nodes starting together on an empty database: one inserts, the others find its key.
    c.exec(std::string("SELECT pg_advisory_xact_lock(") + kLockKey + ")");
    auto r = c.exec(std::string(kSelectKey) + " WHERE retired_at IS NULL");
    if (r.rows() > 0) return read_key(r, 0);
    insert_key(c, candidate);
    tx.commit();
    return candidate;
  });
}

bool PostgresStore::seal_key(const std::string& kid, const std::string& clear_pem, const std::string& sealed_pem) {
  return with_connection([&](Connection& c) {
    return c.exec("UPDATE signing_keys SET private_pem = $3 WHERE kid = $1 AND private_pem = $2",
                  {kid, clear_pem, sealed_pem})
               .affected() == 1;
  });
}

bool PostgresStore::withdraw_key(const std::string& kid, int64_t now, const AuditRecord* audit) {
  return with_connection([&](Connection& c) {
    Transaction tx(c);
    if (c.exec("UPDATE signing_keys SET withdrawn_at = $2, private_pem = '', "
               "retired_at = CASE WHEN retired_at IS NULL OR retired_at > $2 THEN $2 ELSE retired_at END "
               "WHERE kid = $1",
               {kid, num(now)})
            .affected() != 1)
      return false;
    if (audit) insert_audit(*audit);
    tx.commit();
    return true;
  });
}

int PostgresStore::purge_retired_keys(int64_t cutoff, int64_t now) {
  return with_connection([&](Connection& c) {
    Transaction tx(c);
    int deleted = c.exec("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < $1", {num(cutoff)}).affected();
    c.exec("UPDATE signing_keys SET private_pem = '' WHERE retired_at IS NOT NULL AND retired_at <= $1 "
           "AND private_pem != '' AND public_jwk != ''",
           {num(now)});
    tx.commit();
    return deleted;
  });
}

void PostgresStore::add_revocation(const RevocationRecord& revocation) {
  with_connection([&](Connection&) { insert_revocation(revocation); });
}

std::vector<RevocationRecord> PostgresStore::list_revocations(int64_t now) { return list_revocations_after(-1, now); }

std::vector<RevocationRecord> PostgresStore::list_revocations_after(int64_t seq, int64_t now) {
  return with_connection([&](Connection& c) {
    auto r = c.exec("SELECT kind, key, client_id, revoked_at, expires_at, seq FROM revocations "
                    "WHERE expires_at >= $1 AND seq > $2",
                    {num(now), num(seq)});
    std::vector<RevocationRecord> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
      RevocationRecord rec;
      rec.kind = r.text(i, 0) == "token" ? RevocationRecord::Kind::token : RevocationRecord::Kind::generation;
      rec.key = r.text(i, 1);
      rec.client_id = r.text(i, 2);
      rec.revoked_at = r.integer(i, 3);
      rec.expires_at = r.integer(i, 4);
      rec.seq = r.integer(i, 5);
      out.push_back(std::move(rec));
    }
    return out;
  });
}

int PostgresStore::purge_revocations(int64_t now) {
  return with_connection(
      [&](Connection& c) { return c.exec("DELETE FROM revocations WHERE expires_at < $1", {num(now)}).affected(); });
}

namespace {

constexpr const char* kSelectFederation =
    "SELECT id, issuer, keys, keys_url, audience, subject, conditions, client_id, created_at FROM federations";

FederationRecord read_federation(const Result& r, int row) {
  FederationRecord f;
  f.id = r.text(row, 0);
  f.issuer = r.text(row, 1);
  auto keys = parse_keys(r.text(row, 2));
  if (!keys) throw StoreError("federation " + f.id + " has an unknown key source " + r.text(row, 2));
  f.keys = *keys;
  f.keys_url = r.text(row, 3);
  f.audience = r.text(row, 4);
  f.subject = r.text(row, 5);
  try {
    f.conditions = parse_conditions(r.text(row, 6));
  } catch (const std::exception& e) {
    throw StoreError("federation " + f.id + ": " + e.what());
  }
  f.client_id = r.text(row, 7);
  f.created_at = r.integer(row, 8);
  return f;
}

}  // namespace

std::vector<FederationRecord> PostgresStore::list_federations() {
  return with_connection([&](Connection& c) {
    auto r = c.exec(std::string(kSelectFederation) + " ORDER BY created_at, id");
    std::vector<FederationRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_federation(r, i));
    return out;
  });
}

void PostgresStore::insert_federation(const FederationRecord& f, const AuditRecord* audit) {
  with_connection([&](Connection& c) {
    Transaction tx(c);
    c.exec("INSERT INTO federations (id, issuer, keys, keys_url, audience, subject, conditions, client_id, created_at) "
           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
           {f.id, f.issuer, std::string(keys_name(f.keys)), f.keys_url, f.audience, f.subject, conditions_json(f.conditions),
            f.client_id, num(f.created_at)});
    if (audit) insert_audit(*audit);
    tx.commit();
  });
}

bool PostgresStore::delete_federation(const std::string& id, const AuditRecord* audit) {
  return with_connection([&](Connection& c) {
    Transaction tx(c);
    if (c.exec("DELETE FROM federations WHERE id = $1", {id}).affected() != 1) return false;
    if (audit) insert_audit(*audit);
    tx.commit();
    return true;
  });
}

std::vector<bool> PostgresStore::record_assertions(const std::vector<UsedAssertion>& batch) {
  return with_connection([&](Connection& c) {
    // One statement, one round trip for the batch: the rows inserted are the new ones. Without
    // waiting for the WAL flush (synchronous_commit off for this transaction only): the rows are
    // seen by every node at once; only a crash of the database server within a fraction of a
    // second could lose them, letting those assertions be used again in their few minutes of life.
    Transaction tx(c);
    c.exec("SET LOCAL synchronous_commit = off");
    std::vector<std::string> ids, jtis, expiries;
    for (const auto& a : batch) {
      ids.push_back(a.client_id);
      jtis.push_back(a.jti);
      expiries.push_back(num(a.expires_at));
    }
    auto r = c.exec(
        "INSERT INTO used_assertions (client_id, jti, expires_at) "
        "SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING RETURNING client_id, jti",
        {text_array(ids), text_array(jtis), text_array(expiries)});
    std::vector<bool> fresh(batch.size(), false);
    for (int row = 0; row < r.rows(); ++row) {
      std::string id = r.text(row, 0), jti = r.text(row, 1);
      for (size_t i = 0; i < batch.size(); ++i) {
        if (!fresh[i] && batch[i].client_id == id && batch[i].jti == jti) {
          fresh[i] = true;
          break;
        }
      }
    }
    tx.commit();
    return fresh;
  });
}

int PostgresStore::purge_assertions(int64_t now) {
  return with_connection(
      [&](Connection& c) { return c.exec("DELETE FROM used_assertions WHERE expires_at < $1", {num(now)}).affected(); });
}

uint64_t PostgresStore::change_counter() {
  return with_connection(
      [](Connection& c) { return static_cast<uint64_t>(c.exec("SELECT version FROM store_state").integer(0, 0)); });
}

std::unique_ptr<ChangeFeed> PostgresStore::watch_changes(std::function<void()> changed) {
  return std::make_unique<PgChangeFeed>(uri_, std::move(changed));
}

}  // namespace tokengate::store::postgres
