#include "issuer/revocation_snapshot.hpp"

#include <algorithm>

#include "issuer/token_status.hpp"

namespace tokengate::issuer {
namespace {

constexpr size_t kMinFold = 256;  // a recent layer this small is never worth folding

}  // namespace

void RevocationSnapshot::Layer::add(const store::RevocationRecord& r) {
  if (r.kind == store::RevocationRecord::Kind::generation) {
    generations.insert(r.key);
    return;
  }
  if (!tokens.insert(r.key).second) return;
  if (auto id = parse_token_id(r.key)) by_list[std::string(id->list)].push_back(id->index);
}

RevocationSnapshot::RevocationSnapshot()
    : base_(std::make_shared<const Layer>()), recent_(std::make_shared<const Layer>()) {}

RevocationSnapshot::RevocationSnapshot(const std::vector<store::RevocationRecord>& records) {
  auto base = std::make_shared<Layer>();
  for (const auto& r : records) base->add(r);
  base_ = std::move(base);
  recent_ = std::make_shared<const Layer>();
}

bool RevocationSnapshot::has(const store::RevocationRecord& r) const {
  return r.kind == store::RevocationRecord::Kind::generation ? generation_revoked(r.key) : token_revoked(r.key);
}

std::shared_ptr<const RevocationSnapshot> RevocationSnapshot::with(const std::vector<store::RevocationRecord>& added) const {
  std::vector<const store::RevocationRecord*> fresh;
  for (const auto& r : added) {
    if (!has(r)) fresh.push_back(&r);
  }
  if (fresh.empty()) return std::shared_ptr<const RevocationSnapshot>(new RevocationSnapshot(base_, recent_));
  auto recent = std::make_shared<Layer>(*recent_);
  for (const auto* r : fresh) recent->add(*r);
  if (recent->size() <= std::max(kMinFold, base_->size() / 8))
    return std::shared_ptr<const RevocationSnapshot>(new RevocationSnapshot(base_, std::move(recent)));
  // Fold: a new base with everything, an empty recent layer.
  auto base = std::make_shared<Layer>(*base_);
  for (const auto& t : recent->tokens) base->add({store::RevocationRecord::Kind::token, t, {}, 0, 0});
  for (const auto& g : recent->generations) base->add({store::RevocationRecord::Kind::generation, g, {}, 0, 0});
  return std::shared_ptr<const RevocationSnapshot>(new RevocationSnapshot(std::move(base), std::make_shared<const Layer>()));
}

std::vector<uint32_t> RevocationSnapshot::revoked_indexes(std::string_view list) const {
  std::vector<uint32_t> out;
  for (const Layer* layer : {base_.get(), recent_.get()}) {
    auto it = layer->by_list.find(list);
    if (it != layer->by_list.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

std::vector<std::string> RevocationSnapshot::lists() const {
  std::vector<std::string> out;
  out.reserve(base_->by_list.size() + recent_->by_list.size());
  for (const auto& [list, indexes] : base_->by_list) out.push_back(list);
  for (const auto& [list, indexes] : recent_->by_list) {
    if (base_->by_list.find(list) == base_->by_list.end()) out.push_back(list);
  }
  return out;
}

}  // namespace tokengate::issuer
