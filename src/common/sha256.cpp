#include "common/sha256.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace tokengate::common {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};

}  // namespace

Sha256Digest sha256(std::string_view data) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);  // never freed: lives as long as the process
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  Sha256Digest out;
  unsigned int len = 0;
  if (!md || !ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1)
    throw std::runtime_error("SHA-256 failed (OpenSSL)");
  return out;
}

}  // namespace tokengate::common
