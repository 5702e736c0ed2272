#include "store/open_store.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

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
  if (url.starts_with("postgres://") || url.starts_with("postgresql://"))
    throw config::ConfigError("db: PostgreSQL stores are not available in this version; use sqlite:PATH or --data-dir");
  throw config::ConfigError("db must be a store URL of the form sqlite:PATH, got '" + url + "'");
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

std::string describe_store(const config::Config& config) { return "sqlite:" + sqlite_path(config); }

std::unique_ptr<Store> open_store(const config::Config& config, OpenMode mode) {
  std::string path = sqlite_path(config);
  auto dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    throw StoreError("the data directory " + dir.string() + " exists but is not a directory");
  if (mode == OpenMode::existing && !std::filesystem::exists(path, ec))
    throw StoreError("there is no store at " + path +
                     " (the server creates it on its first start); check --data-dir, --db or --config");
  ensure_private_directory(dir);
  return std::make_unique<sqlite::SqliteStore>(path);
}

}  // namespace tokengate::store
