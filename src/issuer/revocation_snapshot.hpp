#pragma once
// The revocations in force, as the request threads read them: an immutable snapshot rebuilt when the
// store changes, like the clients. Only introspection, the status routes and the status lists read
// it; the token-issuing path does not.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/revocation_record.hpp"

namespace tokengate::issuer {

class RevocationSnapshot {
 public:
  RevocationSnapshot() = default;
  explicit RevocationSnapshot(const std::vector<store::RevocationRecord>& records);

  bool token_revoked(std::string_view jti) const { return tokens_.find(jti) != tokens_.end(); }
  bool generation_revoked(std::string_view generation) const { return generations_.find(generation) != generations_.end(); }
  // The revoked indexes of a status list (by the `jti` of its tokens); null if none.
  const std::vector<uint32_t>* revoked_indexes(std::string_view list) const;
  // The lists that have a revoked token, for the status list aggregation.
  std::vector<std::string> lists() const;
  size_t size() const { return tokens_.size() + generations_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> tokens_;
  std::unordered_set<std::string, Hash, std::equal_to<>> generations_;
  std::unordered_map<std::string, std::vector<uint32_t>, Hash, std::equal_to<>> by_list_;
};

}  // namespace tokengate::issuer
