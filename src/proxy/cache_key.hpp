#pragma once
// The token cache's key: HMAC-SHA256 under a random per-process key of the client's credentials and
// grant parameters. A wrong secret gives another key, so it can never be served a cached token,
// and no secret is held in clear in the cache.
#include <array>
#include <string>
#include <string_view>

namespace tokengate::proxy {

class CacheKeyer {
 public:
  CacheKeyer();  // draws a fresh random HMAC key

  // 32 bytes. Each field is length-prefixed, so no two different inputs can collide by concatenation.
  std::string key(std::string_view client_id, std::string_view secret, std::string_view scope,
                  std::string_view resource, std::string_view audience) const;

 private:
  std::array<unsigned char, 32> hmac_key_;
};

}  // namespace tokengate::proxy
