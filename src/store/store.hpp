#pragma once
// The persistent store of clients and signing keys. The server reads it only to build in-memory
// snapshots (never on the token path); the CLI writes it. Each write is one transaction.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/client_record.hpp"
#include "store/key_record.hpp"

namespace tokengate::store {

// A store that cannot be opened or used (unwritable directory, corrupt file, locked too long).
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual std::vector<ClientRecord> list_clients() = 0;
  virtual std::optional<ClientRecord> find_client(const std::string& id) = 0;
  virtual void insert_client(const ClientRecord& client) = 0;
  // Replace an existing client's mutable fields; false if there is no such client.
  virtual bool update_client(const ClientRecord& client) = 0;
  virtual bool delete_client(const std::string& id) = 0;

  virtual std::vector<KeyRecord> list_keys() = 0;
  // Makes `key` the active key and retires the previous one, atomically.
  virtual void rotate_key(const KeyRecord& key, int64_t now) = 0;
  // Inserts `key` as the active key only if there is none yet; returns the active key.
  virtual KeyRecord ensure_active_key(const KeyRecord& candidate) = 0;
  // Deletes retired keys retired before `cutoff` (their tokens have all expired).
  virtual int purge_retired_keys(int64_t cutoff) = 0;

  // A number that changes whenever any connection commits a change to the store; cheap to call.
  virtual uint64_t change_counter() = 0;
};

}  // namespace tokengate::store
