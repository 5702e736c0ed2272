#include "store/client_snapshot.hpp"

#include <algorithm>

namespace tokengate::store {

ClientSnapshot::ClientSnapshot(std::vector<ClientRecord> clients) {
  by_id_.reserve(clients.size());
  for (auto& c : clients) {
    max_token_ttl_ = std::max(max_token_ttl_, c.token_ttl);
    std::string id = c.id;
    by_id_.emplace(std::move(id), std::move(c));
  }
}

const ClientRecord* ClientSnapshot::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

}  // namespace tokengate::store
