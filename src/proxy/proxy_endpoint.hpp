#pragma once
// The token endpoint in proxy mode, as the Cells Cloud "Post Access Token" API works: the caller's
// client credentials and grant parameters go upstream as an RFC 6749 client credentials request,
// and the upstream's token response comes back intact. Shared by /connect/token and the Cells route.
#include <memory>

#include "http/router.hpp"
#include "oauth/client_authenticator.hpp"
#include "proxy/cache_key.hpp"
#include "proxy/token_cache.hpp"
#include "proxy/upstream_client.hpp"

namespace tokengate::proxy {

enum class UpstreamAuth { basic, post };  // how we authenticate to the upstream (RFC 6749 §2.3.1)

class ProxyEndpoint {
 public:
  ProxyEndpoint(UpstreamClient& upstream, TokenCache& cache, const CacheKeyer& keyer, UpstreamAuth auth,
                bool cells_compatible);

  void handle(const http::Request& request, http::Respond respond) const;

 private:
  UpstreamClient& upstream_;
  TokenCache& cache_;
  const CacheKeyer& keyer_;
  UpstreamAuth auth_;
  bool cells_compatible_;
  oauth::ClientAuthenticator authenticator_;
};

}  // namespace tokengate::proxy
