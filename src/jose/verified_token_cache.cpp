#include "jose/verified_token_cache.hpp"

#include <functional>
#include <unordered_map>

#include <boost/json/serialize.hpp>

namespace tokengate::jose {
namespace {

constexpr size_t kCapacity = 16384;  // per thread; forgotten all at once when full

struct Entry {
  std::string signature;  // the token's last part: confirms a hash match
  VerifiedTokenPtr verified;
};

std::string_view signature_part(std::string_view token) {
  size_t dot = token.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : token.substr(dot + 1);
}

std::unordered_map<size_t, Entry>& entries() {
  thread_local std::unordered_map<size_t, Entry> memory;
  return memory;
}

}  // namespace

const std::string& VerifiedToken::claims_json() const {
  std::call_once(serialized_, [this] { json_ = boost::json::serialize(claims); });
  return json_;
}

VerifiedTokenPtr recall_verified(std::string_view token) {
  std::string_view signature = signature_part(token);
  if (signature.empty()) return nullptr;
  auto& memory = entries();
  auto it = memory.find(std::hash<std::string_view>{}(token));
  if (it == memory.end() || it->second.signature != signature) return nullptr;
  return it->second.verified;
}

void remember_verified(std::string_view token, VerifiedTokenPtr verified) {
  std::string_view signature = signature_part(token);
  if (signature.empty()) return;
  auto& memory = entries();
  if (memory.size() >= kCapacity) memory.clear();
  memory.insert_or_assign(std::hash<std::string_view>{}(token), Entry{std::string(signature), std::move(verified)});
}

}  // namespace tokengate::jose
