#pragma once
// Thin RAII wrappers over libpq: a connection, a result, parameterized statements, a transaction.
// Every statement is parameterized (PQexecParams, text format); nothing is spliced into SQL.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace tokengate::store::postgres {

using Param = std::optional<std::string>;  // nullopt: SQL NULL

class Result {
 public:
  explicit Result(pg_result* r) : r_(r) {}
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result(const Result&) = delete;
  ~Result();

  int rows() const;
  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;
  int64_t integer(int row, int col) const;
  std::string bytea(int row, int col) const;  // decoded from the hex form
  int affected() const;                       // rows an INSERT/UPDATE/DELETE touched
  pg_result* get() const { return r_; }

 private:
  pg_result* r_;
};

class Connection {
 public:
  // Connects with `uri` (any libpq connection URI or key=value string); throws StoreError whose
  // message says what went wrong and where, never the password.
  explicit Connection(const std::string& uri);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result exec(std::string_view sql, const std::vector<Param>& params = {});
  // Several statements, no parameters: for the migrations, which are constants of ours.
  void exec_script(const char* sql);
  bool ok() const;      // the connection is usable
  void reconnect();     // throws StoreError if it still cannot connect
  pg_conn* get() const { return conn_; }
  const std::string& where() const { return where_; }  // "postgresql://user@host:port/db", no password

 private:
  void connect();
  pg_conn* conn_ = nullptr;
  std::string uri_;
  std::string where_;
};

// BEGIN ... COMMIT; rolls back if not committed.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  ~Transaction();
  void commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

// Hex for a bytea parameter.
std::string bytea_param(const void* data, size_t size);

// `uri` with any password taken out, for messages.
std::string redact(const std::string& uri);

}  // namespace tokengate::store::postgres
