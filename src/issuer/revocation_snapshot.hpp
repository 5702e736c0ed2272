#pragma once
// The revocations in force, as the request threads read them: an immutable snapshot, replaced when
// the store changes, like the clients. Only introspection, the status routes and the status lists
// read it; the token-issuing path does not.
//
// With 100,000 revocations outstanding, rebuilding the whole set for each new one would cost each
// revocation more as they pile up. So a snapshot is three immutable layers, shared by the
// snapshots made from it: a base, a middle layer of at most 4,096 entries and a recent one of at
// most 64. Adding a revocation (`with`) copies the recent layer; a full recent layer is folded into
// the middle one, a full middle one into the base. Per revocation that is about 64 + 4,096/64 +
// base/4,096 entries copied (about 150 with 100,000 outstanding), the base copied once in 4,096.
#include <algorithm>
#include <array>
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

  // This snapshot and `added` (those it has already are skipped), sharing this one's layers; null
  // if nothing in `added` is new (so that nothing is republished: signed lists stay cached).
  std::shared_ptr<const RevocationSnapshot> with(const std::vector<store::RevocationRecord>& added) const;

  bool token_revoked(std::string_view jti) const {
    return std::any_of(layers_.begin(), layers_.end(), [&](const auto& l) { return l->has_token(jti); });
  }
  bool generation_revoked(std::string_view generation) const {
    return std::any_of(layers_.begin(), layers_.end(), [&](const auto& l) { return l->has_generation(generation); });
  }
  // The revoked indexes of a status list (by the `jti` of its tokens), in no particular order.
  std::vector<uint32_t> revoked_indexes(std::string_view list) const;
  // The lists that have a revoked token, for the status list aggregation.
  std::vector<std::string> lists() const;
  size_t size() const { return layers_[0]->size() + layers_[1]->size() + layers_[2]->size(); }
  size_t base_size() const { return layers_[0]->size(); }  // for tests

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
    void add_all(const Layer& other);  // `other`'s entries, none of which this one has
    bool has_token(std::string_view jti) const { return tokens.find(jti) != tokens.end(); }
    bool has_generation(std::string_view g) const { return generations.find(g) != generations.end(); }
    size_t size() const { return tokens.size() + generations.size(); }
  };
  using Layers = std::array<std::shared_ptr<const Layer>, 3>;  // base, middle, recent
  explicit RevocationSnapshot(Layers layers) : layers_(std::move(layers)) {}
  bool has(const store::RevocationRecord& r) const;

  Layers layers_;
};

}  // namespace tokengate::issuer
