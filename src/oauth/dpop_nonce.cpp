#include "oauth/dpop_nonce.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "common/base64url.hpp"

namespace tokengate::oauth {
namespace {

constexpr size_t kTagBytes = 16;

int64_t window_of(int64_t now) { return now / DpopNonces::kWindow; }

}  // namespace

DpopNonces::DpopNonces(std::string key) : key_(std::move(key)) {
  if (key_.size() < 32) throw std::invalid_argument("the DPoP nonce key must be at least 32 bytes");
}

DpopNonces::~DpopNonces() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string DpopNonces::make(int64_t window) const {
  unsigned char bytes[8 + EVP_MAX_MD_SIZE];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(static_cast<uint64_t>(window) >> (56 - 8 * i));
  unsigned int mac_length = 0;
  if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), bytes, 8, bytes + 8, &mac_length))
    throw std::runtime_error("HMAC-SHA256 failed");
  return common::base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), 8 + kTagBytes));
}

std::string DpopNonces::current(int64_t now) const {
  // One HMAC per window and thread, not per response.
  thread_local const DpopNonces* owner = nullptr;
  thread_local int64_t window = -1;
  thread_local std::string nonce;
  if (owner != this || window != window_of(now)) {
    owner = this;
    window = window_of(now);
    nonce = make(window);
  }
  return nonce;
}

bool DpopNonces::valid(std::string_view nonce, int64_t now) const {
  auto bytes = common::base64url_decode(nonce);
  if (!bytes || bytes->size() != 8 + kTagBytes) return false;
  uint64_t window = 0;
  for (int i = 0; i < 8; ++i) window = window << 8 | static_cast<unsigned char>((*bytes)[i]);
  int64_t w = static_cast<int64_t>(window);
  if (w != window_of(now) && w != window_of(now) - 1) return false;
  std::string expected = make(w);
  return expected.size() == nonce.size() && CRYPTO_memcmp(expected.data(), nonce.data(), nonce.size()) == 0;
}

bool DpopNonces::stale(std::string_view nonce, int64_t now) const { return nonce != current(now); }

}  // namespace tokengate::oauth
