#pragma once
// Thin RAII wrappers over the SQLite C API: a connection, a prepared statement, a transaction.
#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace tokengate::store::sqlite {

class Connection {
 public:
  // Opens (creating if asked) the database file; throws StoreError with the path and SQLite's reason.
  Connection(const std::string& path, bool create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const char* sql);
  sqlite3* get() const { return db_; }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(Connection& conn, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, const void* data, size_t size);
  Statement& bind(int index, int64_t value);
  Statement& bind_null(int index);

  bool step();  // true while there is a row
  void run();   // step once, expecting no row
  void reset();  // ready to run again, with new bindings
  int changes() const;

  std::string text(int column) const;
  std::string blob(int column) const;
  int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  Connection& conn_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if not committed (exceptions included).
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  ~Transaction();
  void commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

}  // namespace tokengate::store::sqlite
