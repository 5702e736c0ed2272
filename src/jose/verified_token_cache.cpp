#include "jose/verified_token_cache.hpp"

#include <cstring>
#include <unordered_map>

#include <boost/json/serialize.hpp>


namespace tokengate::jose {
namespace {

constexpr size_t kCapacity = 16384;  // per thread; forgotten all at once when full

struct DigestHash {
  size_t operator()(const common::Sha256Digest& d) const {
    size_t h;
    std::memcpy(&h, d.data(), sizeof h);  // a SHA-256 prefix is as good a hash as any
    return h;
  }
};

std::unordered_map<common::Sha256Digest, VerifiedTokenPtr, DigestHash>& entries() {
  thread_local std::unordered_map<common::Sha256Digest, VerifiedTokenPtr, DigestHash> memory;
  return memory;
}

}  // namespace

const std::string& VerifiedToken::claims_json() const {
  std::call_once(serialized_, [this] { json_ = boost::json::serialize(claims); });
  return json_;
}

VerifiedTokenPtr recall_verified(const common::Sha256Digest& digest) {
  auto& memory = entries();
  auto it = memory.find(digest);
  return it == memory.end() ? nullptr : it->second;
}

void remember_verified(const common::Sha256Digest& digest, VerifiedTokenPtr verified) {
  auto& memory = entries();
  if (memory.size() >= kCapacity) memory.clear();
  memory.insert_or_assign(digest, std::move(verified));
}

}  // namespace tokengate::jose
