#include "jose/verified_token_cache.hpp"

#include <cstring>
#include <unordered_map>

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

std::unordered_map<common::Sha256Digest, VerifiedToken, DigestHash>& cache() {
  thread_local std::unordered_map<common::Sha256Digest, VerifiedToken, DigestHash> entries;
  return entries;
}

}  // namespace

const VerifiedToken* recall_verified(const common::Sha256Digest& digest) {
  auto& c = cache();
  auto it = c.find(digest);
  return it == c.end() ? nullptr : &it->second;
}

void remember_verified(const common::Sha256Digest& digest, VerifiedToken token) {
  auto& c = cache();
  if (c.size() >= kCapacity) c.clear();
  c.insert_or_assign(digest, std::move(token));
}

}  // namespace tokengate::jose
