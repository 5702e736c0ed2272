#include "issuer/status_list_names.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "common/random.hpp"
#include "common/token_lifetime.hpp"
#include "common/base64url.hpp"

namespace tokengate::issuer {
namespace {

constexpr size_t kTagChars = 16;  // 12 bytes of the MAC: 96 bits

constexpr const char* kKeyName = "status_list_key";
constexpr const char* kUntaggedUntilName = "untagged_status_lists_until";

}  // namespace

std::string StatusListNames::tag(std::string_view untagged) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(untagged.data()),
            untagged.size(), out, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return common::base64url_encode(std::string_view(reinterpret_cast<const char*>(out), 12));
}

bool StatusListNames::may_exist(std::string_view list, int64_t now) const {
  if (!tags()) return true;
  size_t dots = static_cast<size_t>(std::count(list.begin(), list.end(), '.'));
  if (dots == 2) return now < untagged_until_;  // named before tags: only while its tokens may live
  size_t last = list.rfind('.');
  std::string_view given = list.substr(last + 1);
  if (given.size() != kTagChars) return false;
  std::string expected = tag(list.substr(0, last));
  return CRYPTO_memcmp(expected.data(), given.data(), kTagChars) == 0;
}

std::shared_ptr<const StatusListNames> load_status_list_names(store::Store& store, int64_t longest_ttl) {
  std::string candidate(32, '\0');
  common::random_bytes(candidate.data(), candidate.size());
  std::string key = common::base64url_decode(store.ensure_secret(kKeyName, common::base64url_encode(candidate)))
                        .value_or(std::string());
  OPENSSL_cleanse(candidate.data(), candidate.size());
  if (key.size() < 32) throw store::StoreError("the store's status list key is malformed");
  int64_t untagged_until = 0;
  if (auto until = store.find_secret(kUntaggedUntilName)) {
    auto [end, ec] = std::from_chars(until->data(), until->data() + until->size(), untagged_until);
    if (ec != std::errc() || end != until->data() + until->size()) untagged_until = 0;
    // The migration allowed the longest lifetime any token can have; the tokens in untagged lists
    // were issued before it, with at most the longest lifetime this server gives.
    int64_t upgraded_at = untagged_until - common::kMaxTokenLifetime;
    untagged_until = std::min(untagged_until, upgraded_at + std::max<int64_t>(longest_ttl, 0));
  }
  return std::make_shared<const StatusListNames>(std::move(key), untagged_until);
}

}  // namespace tokengate::issuer
