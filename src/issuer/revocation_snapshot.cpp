#include "issuer/revocation_snapshot.hpp"

#include <algorithm>

#include "issuer/token_status.hpp"

namespace tokengate::issuer {
namespace {

// The most entries each layer above the base holds before it is folded into the one below.
constexpr size_t kLayerLimit[3] = {0, 4096, 64};

}  // namespace

void RevocationSnapshot::Layer::add(const store::RevocationRecord& r) {
  if (r.kind == store::RevocationRecord::Kind::generation) {
    generations.insert(r.key);
    return;
  }
  if (!tokens.insert(r.key).second) return;
  if (auto id = parse_token_id(r.key)) by_list[std::string(id->list)].push_back(id->index);
}

void RevocationSnapshot::Layer::add_all(const Layer& other) {
  for (const auto& g : other.generations) generations.insert(g);
  for (const auto& [list, indexes] : other.by_list) {
    auto& mine = by_list[list];
    mine.insert(mine.end(), indexes.begin(), indexes.end());
  }
  tokens.insert(other.tokens.begin(), other.tokens.end());
}

RevocationSnapshot::RevocationSnapshot() {
  for (auto& l : layers_) l = std::make_shared<const Layer>();
}

RevocationSnapshot::RevocationSnapshot(const std::vector<store::RevocationRecord>& records) : RevocationSnapshot() {
  auto base = std::make_shared<Layer>();
  for (const auto& r : records) base->add(r);
  layers_[0] = std::move(base);
}

bool RevocationSnapshot::has(const store::RevocationRecord& r) const {
  return r.kind == store::RevocationRecord::Kind::generation ? generation_revoked(r.key) : token_revoked(r.key);
}

std::shared_ptr<const RevocationSnapshot> RevocationSnapshot::with(const std::vector<store::RevocationRecord>& added) const {
  Layers layers = layers_;
  std::shared_ptr<Layer> recent;
  for (const auto& r : added) {
    if (has(r) || (recent && (r.kind == store::RevocationRecord::Kind::generation ? recent->has_generation(r.key)
                                                                                  : recent->has_token(r.key))))
      continue;
    if (!recent) recent = std::make_shared<Layer>(*layers[2]);
    recent->add(r);
  }
  if (!recent) return nullptr;
  layers[2] = std::move(recent);
  // Fold a full layer into the one below it, from the top down: entries in a layer are in no
  // other, so a fold is a union.
  for (size_t i = 2; i > 0; --i) {
    if (layers[i]->size() <= kLayerLimit[i]) break;
    auto below = std::make_shared<Layer>(*layers[i - 1]);
    below->add_all(*layers[i]);
    layers[i - 1] = std::move(below);
    layers[i] = std::make_shared<const Layer>();
  }
  return std::shared_ptr<const RevocationSnapshot>(new RevocationSnapshot(std::move(layers)));
}

std::vector<uint32_t> RevocationSnapshot::revoked_indexes(std::string_view list) const {
  std::vector<uint32_t> out;
  for (const auto& layer : layers_) {
    auto it = layer->by_list.find(list);
    if (it != layer->by_list.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

std::vector<std::string> RevocationSnapshot::lists() const {
  std::vector<std::string> out;
  for (const auto& layer : layers_) {
    for (const auto& [list, indexes] : layer->by_list) out.push_back(list);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace tokengate::issuer
