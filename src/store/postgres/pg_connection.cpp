#include "store/postgres/pg_connection.hpp"

#include <libpq-fe.h>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "store/store.hpp"

namespace tokengate::store::postgres {
namespace {

// libpq's message on one line: its lines joined, tabs dropped.
std::string first_line(const char* message) {
  std::string s;
  for (const char* p = message ? message : ""; *p; ++p) {
    if (*p == '\n') s += "; ";
    else if (*p != '\t') s += *p;
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == ';')) s.pop_back();
  return s;
}

}  // namespace

std::string redact(const std::string& uri) {
  auto parsed = boost::urls::parse_uri(uri);
  if (!parsed) return uri.find("password") == std::string::npos ? uri : "(a PostgreSQL connection string)";
  boost::urls::url u(*parsed);
  u.remove_password();
  u.remove_query();  // may hold password=...
  return std::string(u.buffer());
}

Result::~Result() { PQclear(r_); }
int Result::rows() const { return PQntuples(r_); }
bool Result::is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string Result::text(int row, int col) const { return PQgetvalue(r_, row, col); }
int64_t Result::integer(int row, int col) const { return std::stoll(PQgetvalue(r_, row, col)); }
int Result::affected() const {
  const char* n = PQcmdTuples(r_);
  return n && *n ? std::stoi(n) : 0;
}

std::string Result::bytea(int row, int col) const {
  size_t size = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_, row, col)), &size);
  if (!raw) throw StoreError("PostgreSQL store: a bytea value cannot be read");
  std::string out(reinterpret_cast<char*>(raw), size);
  PQfreemem(raw);
  return out;
}

Connection::Connection(const std::string& uri) : uri_(uri), where_(redact(uri)) { connect(); }

Connection::~Connection() { PQfinish(conn_); }

void Connection::connect() {
  PQfinish(conn_);
  // Defaults a URI may override (its values come after): a database that stops answering, rather
  // than failing, must not hold a node's store thread for ever. Nothing the nodes run takes seconds.
  const char* keywords[] = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                            "keepalives_count", "options", "dbname", nullptr};
  const char* values[] = {"5", "1", "10", "3", "3", "-c statement_timeout=15000", uri_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string reason = conn_ ? first_line(PQerrorMessage(conn_)) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreError("cannot connect to PostgreSQL at " + where_ + ": " + reason);
  }
  // Warnings (e.g. "there is no transaction in progress") are not ours to print.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

bool Connection::ok() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

void Connection::reconnect() { connect(); }

Result Connection::exec(std::string_view sql, const std::vector<Param>& params) {
  if (!ok()) connect();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  std::string query(sql);
  Result r(PQexecParams(conn_, query.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                        nullptr, 0));
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string reason = first_line(PQerrorMessage(conn_));
    if (!ok()) throw StoreError("PostgreSQL at " + where_ + " is unreachable: " + reason);
    throw StoreError("PostgreSQL store " + where_ + ": " + reason);
  }
  return r;
}

void Connection::exec_script(const char* sql) {
  if (!ok()) connect();
  Result r(PQexec(conn_, sql));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && PQresultStatus(r.get()) != PGRES_TUPLES_OK)
    throw StoreError("PostgreSQL store " + where_ + ": " + first_line(PQerrorMessage(conn_)));
}

Transaction::Transaction(Connection& conn) : conn_(conn) { conn_.exec("BEGIN"); }
Transaction::~Transaction() {
  if (!done_ && conn_.ok()) {
    try {
      conn_.exec("ROLLBACK");
    } catch (...) {  // the connection went: nothing was committed
    }
  }
}
void Transaction::commit() {
  conn_.exec("COMMIT");
  done_ = true;
}

std::string bytea_param(const void* data, size_t size) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

}  // namespace tokengate::store::postgres
