#include "proxy/cache_key.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace tokengate::proxy {

CacheKeyer::CacheKeyer() {
  if (RAND_bytes(hmac_key_.data(), static_cast<int>(hmac_key_.size())) != 1)
    throw std::runtime_error("the random generator failed");
}

std::string CacheKeyer::key(std::string_view client_id, std::string_view secret, std::string_view scope,
                            std::string_view resource, std::string_view audience) const {
  std::string input;
  input.reserve(client_id.size() + secret.size() + scope.size() + resource.size() + audience.size() + 40);
  for (std::string_view field : {client_id, secret, scope, resource, audience}) {
    input += std::to_string(field.size());
    input += ':';
    input += field;
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), hmac_key_.data(), static_cast<int>(hmac_key_.size()),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  OPENSSL_cleanse(input.data(), input.size());  // it held the secret
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace tokengate::proxy
