#pragma once
// What answers a token request in proxy mode, as the Cells Cloud "Post Access Token" API works: the
// caller's client credentials and grant parameters go upstream as an RFC 6749 client credentials
// request, and the upstream's token response comes back intact. Identical requests share one
// upstream call and its token (TokenCache).
#include <string>

#include "http/router.hpp"
#include "oauth/client_auth_method.hpp"
#include "oauth/token_request.hpp"
#include "proxy/cache_key.hpp"
#include "proxy/token_cache.hpp"
#include "proxy/upstream_transport.hpp"

namespace tokengate::proxy {

enum class UpstreamAuth { basic, post };  // how we authenticate to the upstream (RFC 6749 §2.3.1)

class ProxyEndpoint {
 public:
  // `certificate_header`: the header the upstream reads a client certificate from (RFC 8705 behind
  // a proxy); empty: certificates are not passed on.
  ProxyEndpoint(UpstreamTransport& upstream, TokenCache& cache, const CacheKeyer& keyer, std::string token_url,
                UpstreamAuth auth, std::string certificate_header = {});

  // Answers a request the token front has accepted (grant_type=client_credentials, credentials
  // extracted), on the request's event loop. A request for a sender-constrained token (a DPoP
  // proof, a client certificate) is passed on with what binds it and never answered from, nor
  // kept in, the cache: a token bound to one key must not reach the holder of another.
  void forward(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
               http::Respond respond) const;

  // Forwards an introspection (RFC 7662) or revocation (RFC 7009) of `token` to `url`, the
  // upstream's endpoint, with the caller's credentials and the same deadline, retries and breaker as
  // token requests. A successful revocation also drops the token from the cache.
  enum class Operation { introspect, revoke };
  void forward_operation(Operation operation, const std::string& url, boost::asio::io_context& loop,
                         const oauth::PresentedCredentials& credentials, std::string token, std::string type_hint,
                         std::string caller_address, http::Respond respond) const;

 private:
  // Our client authentication upstream (RFC 6749 §2.3.1): the caller's credentials, as configured.
  void authenticate(UpstreamRequest& request, const oauth::PresentedCredentials& credentials) const;

  UpstreamTransport& upstream_;
  TokenCache& cache_;
  const CacheKeyer& keyer_;
  std::string token_url_;
  UpstreamAuth auth_;
  std::string certificate_header_;
};

}  // namespace tokengate::proxy
