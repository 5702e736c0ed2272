#include "issuer/revocation_snapshot.hpp"

#include "issuer/token_status.hpp"

namespace tokengate::issuer {

RevocationSnapshot::RevocationSnapshot(const std::vector<store::RevocationRecord>& records) {
  for (const auto& r : records) {
    if (r.kind == store::RevocationRecord::Kind::generation) {
      generations_.insert(r.key);
      continue;
    }
    tokens_.insert(r.key);
    if (auto id = parse_token_id(r.key)) by_list_[std::string(id->list)].push_back(id->index);
  }
}

const std::vector<uint32_t>* RevocationSnapshot::revoked_indexes(std::string_view list) const {
  auto it = by_list_.find(list);
  return it == by_list_.end() ? nullptr : &it->second;
}

std::vector<std::string> RevocationSnapshot::lists() const {
  std::vector<std::string> out;
  out.reserve(by_list_.size());
  for (const auto& [list, indexes] : by_list_) out.push_back(list);
  return out;
}

}  // namespace tokengate::issuer
