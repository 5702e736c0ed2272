#include "store/open_store.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/postgres/pg_connection.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace tokengate::store {
namespace {

// The SQLite file path from --db (sqlite:PATH, sqlite://PATH) or --data-dir.
std::string sqlite_path(const config::Config& config) {
  if (config.db.empty()) return (std::filesystem::path(config.data_dir) / "tokengate.db").string();
  std::string url = config.db;
  for (const char* prefix : {"sqlite://", "sqlite:"}) {
    if (url.starts_with(prefix)) return url.substr(std::strlen(prefix));
  }
  throw config::ConfigError("db must be a store URL (sqlite:PATH or postgresql://USER@HOST:PORT/DB), got '" +
                            postgres::redact(url) + "'");
}

bool is_postgres(const config::Config& config) {
  return config.db.starts_with("postgres://") || config.db.starts_with("postgresql://");
}

// The URI libpq gets: as given, with a connect timeout unless it sets one (a node that starts while
// the database is unreachable must fail fast, not hang).
std::string postgres_uri(const std::string& db) {
  if (db.find("connect_timeout=") != std::string::npos) return db;
  return db + (db.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=5";
}

void ensure_private_directory(const std::filesystem::path& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return;
  if (std::filesystem::exists(dir, ec))
    throw StoreError("the data directory " + dir.string() + " exists but is not a directory");
  std::filesystem::create_directories(dir, ec);
  if (ec) throw StoreError("cannot create the data directory " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);  // keys and client digests live here
}

}  // namespace

std::string describe_store(const config::Config& config) {
  if (is_postgres(config)) return postgres::redact(config.db);
  return "sqlite:" + sqlite_path(config);
}

bool shared_by_nodes(const config::Config& config) { return is_postgres(config); }

std::unique_ptr<Store> open_store(const config::Config& config, OpenMode mode) {
  if (is_postgres(config)) {
    auto check = mode == OpenMode::create   ? postgres::PostgresStore::Schema::migrate
                 : mode == OpenMode::as_is ? postgres::PostgresStore::Schema::as_is
                                           : postgres::PostgresStore::Schema::require_current;
    return std::make_unique<postgres::PostgresStore>(postgres_uri(config.db), check);
  }
  std::string path = sqlite_path(config);
  auto dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    throw StoreError("the data directory " + dir.string() + " exists but is not a directory");
  if (mode == OpenMode::existing && !std::filesystem::exists(path, ec))
    throw StoreError("there is no store at " + path +
                     " (the server creates it on its first start); check --data-dir, --db or --config");
  ensure_private_directory(dir);
  return std::make_unique<sqlite::SqliteStore>(path, /*migrate=*/mode != OpenMode::as_is);
}

}  // namespace tokengate::store
