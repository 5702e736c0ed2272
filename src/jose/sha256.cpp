#include "jose/sha256.hpp"

#include <openssl/evp.h>

#include "jose/openssl_ptr.hpp"

namespace tokengate::jose {

Sha256Digest sha256(std::string_view data) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);  // never freed: lives as long as the process
  thread_local MdCtxPtr ctx(EVP_MD_CTX_new());
  Sha256Digest out;
  unsigned int len = 0;
  if (!md || !ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1)
    throw_openssl_error("SHA-256");
  return out;
}

}  // namespace tokengate::jose
