#pragma once
// The immutable in-memory view of all clients that the token path reads: a hash probe per request.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/client_record.hpp"

namespace tokengate::store {

class ClientSnapshot {
 public:
  ClientSnapshot() = default;
  explicit ClientSnapshot(std::vector<ClientRecord> clients);

  const ClientRecord* find(std::string_view id) const;
  size_t size() const { return by_id_.size(); }
  template <class F>
  void for_each(F&& f) const {
    for (const auto& [id, client] : by_id_) f(client);
  }
  // The longest lifetime any client's own TTL gives its tokens (0: none has one).
  int64_t max_token_ttl() const { return max_token_ttl_; }
  // Whether some client's current generation is `generation` (by hash: a rare false yes is harmless,
  // it only lets a status list be signed that names no one).
  bool has_generation(std::string_view generation) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, ClientRecord, Hash, std::equal_to<>> by_id_;
  int64_t max_token_ttl_ = 0;
  std::vector<size_t> generation_hashes_;  // sorted
};

}  // namespace tokengate::store
