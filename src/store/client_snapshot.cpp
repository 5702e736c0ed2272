#include "store/client_snapshot.hpp"

#include <algorithm>

namespace tokengate::store {

ClientSnapshot::ClientSnapshot(std::vector<ClientRecord> clients) {
  by_id_.reserve(clients.size());
  generation_hashes_.reserve(clients.size());
  for (auto& c : clients) {
    max_token_ttl_ = std::max(max_token_ttl_, c.token_ttl);
    generation_hashes_.push_back(std::hash<std::string_view>{}(c.generation));
    std::string id = c.id;
    by_id_.emplace(std::move(id), std::move(c));
  }
  std::sort(generation_hashes_.begin(), generation_hashes_.end());
}

bool ClientSnapshot::has_generation(std::string_view generation) const {
  return std::binary_search(generation_hashes_.begin(), generation_hashes_.end(),
                            std::hash<std::string_view>{}(generation));
}

const ClientRecord* ClientSnapshot::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

}  // namespace tokengate::store
