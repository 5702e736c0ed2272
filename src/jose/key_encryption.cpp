#include "jose/key_encryption.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/random.hpp"
#include "common/base64url.hpp"
#include "jose/openssl_ptr.hpp"

namespace tokengate::jose {
namespace {

constexpr std::string_view kPrefix = "tokengate-kek:v1:";
constexpr size_t kNonce = 12, kTag = 16;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

std::optional<std::string> from_hex(std::string_view s) {
  if (s.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    int hi = digit(s[i]), lo = digit(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

KeyEncryption KeyEncryption::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("key_encryption_key_file " + path + " cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
  std::optional<std::string> raw = s.size() == 64 ? from_hex(s) : std::nullopt;
  if (!raw) raw = common::base64url_decode(s);
  if (!raw) raw = common::base64_decode(s);
  if (!raw || raw->size() != 32)
    throw std::runtime_error("key_encryption_key_file " + path +
                             " must hold a 256-bit key: 64 hex digits or 43/44 base64 characters (e.g. `openssl rand "
                             "-hex 32`)");
  std::array<unsigned char, 32> kek;
  std::copy(raw->begin(), raw->end(), kek.begin());
  return KeyEncryption(kek);
}

bool KeyEncryption::is_sealed(std::string_view stored) { return stored.starts_with(kPrefix); }

std::string KeyEncryption::seal(std::string_view pem, std::string_view kid) const {
  std::string out(kNonce + pem.size() + kTag, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  common::random_bytes(bytes, kNonce);
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, kek_.data(), bytes) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(kid.data()),
                        static_cast<int>(kid.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes + kNonce, &len, reinterpret_cast<const unsigned char*>(pem.data()),
                        static_cast<int>(pem.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes + kNonce + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, bytes + kNonce + pem.size()) != 1)
    throw_openssl_error("AES-256-GCM encryption of a signing key");
  return std::string(kPrefix) + common::base64url_encode(out);
}

std::string KeyEncryption::open(std::string_view sealed, std::string_view kid) const {
  auto raw = is_sealed(sealed) ? common::base64url_decode(sealed.substr(kPrefix.size())) : std::nullopt;
  if (!raw || raw->size() < kNonce + kTag) throw std::runtime_error("signing key " + std::string(kid) + " is sealed but malformed");
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  size_t n = raw->size() - kNonce - kTag;
  std::string pem(n, '\0');
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, kek_.data(), bytes) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(kid.data()),
                              static_cast<int>(kid.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(pem.data()), &len, bytes + kNonce,
                              static_cast<int>(n)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, const_cast<unsigned char*>(bytes + kNonce + n)) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(pem.data()) + len, &len) == 1;
  if (!ok)
    throw std::runtime_error("signing key " + std::string(kid) +
                             " cannot be decrypted with this key-encryption key: it is the wrong one, or the store was altered");
  return pem;
}

std::string private_key_in_clear(std::string_view stored, std::string_view kid, const KeyEncryption* kek) {
  if (!KeyEncryption::is_sealed(stored)) return std::string(stored);
  if (!kek)
    throw std::runtime_error("the signing keys in the store are encrypted: give the key-encryption key "
                             "(--key-encryption-key-file or TOKENGATE_KEY_ENCRYPTION_KEY_FILE)");
  return kek->open(stored, kid);
}

}  // namespace tokengate::jose
