#pragma once
// The revocations in force, as the request threads read them: an immutable snapshot, replaced when
// the store changes, like the clients. Only introspection, the status routes and the status lists
// read it; the token-issuing path does not.
//
// With 100,000 revocations outstanding, rebuilding the whole set for each new one would cost each
// revocation more as they pile up. So a snapshot is two immutable layers: a large base, shared by
// every snapshot made from it, and a small recent layer, copied when a revocation is added
// (`with`); once the recent layer outgrows an eighth of the base it is folded into a new base. An
// added revocation costs O(recent) ≤ O(base / 8) at worst, amortized O(1).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/revocation_record.hpp"

namespace tokengate::issuer {

class RevocationSnapshot {
 public:
  RevocationSnapshot();
  explicit RevocationSnapshot(const std::vector<store::RevocationRecord>& records);

  // This snapshot and `added` (those it has already are skipped): shares this one's base.
  std::shared_ptr<const RevocationSnapshot> with(const std::vector<store::RevocationRecord>& added) const;

  bool token_revoked(std::string_view jti) const { return base_->has_token(jti) || recent_->has_token(jti); }
  bool generation_revoked(std::string_view generation) const {
    return base_->has_generation(generation) || recent_->has_generation(generation);
  }
  // The revoked indexes of a status list (by the `jti` of its tokens), in no particular order.
  std::vector<uint32_t> revoked_indexes(std::string_view list) const;
  // The lists that have a revoked token, for the status list aggregation.
  std::vector<std::string> lists() const;
  size_t size() const { return base_->size() + recent_->size(); }
  size_t recent_size() const { return recent_->size(); }  // for tests

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Layer {
    std::unordered_set<std::string, Hash, std::equal_to<>> tokens;
    std::unordered_set<std::string, Hash, std::equal_to<>> generations;
    std::unordered_map<std::string, std::vector<uint32_t>, Hash, std::equal_to<>> by_list;

    void add(const store::RevocationRecord& r);
    bool has_token(std::string_view jti) const { return tokens.find(jti) != tokens.end(); }
    bool has_generation(std::string_view g) const { return generations.find(g) != generations.end(); }
    size_t size() const { return tokens.size() + generations.size(); }
  };
  RevocationSnapshot(std::shared_ptr<const Layer> base, std::shared_ptr<const Layer> recent)
      : base_(std::move(base)), recent_(std::move(recent)) {}
  bool has(const store::RevocationRecord& r) const;

  std::shared_ptr<const Layer> base_;
  std::shared_ptr<const Layer> recent_;
};

}  // namespace tokengate::issuer
