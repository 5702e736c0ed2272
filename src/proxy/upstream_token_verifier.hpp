#pragma once
// Proxy mode, resource-server side: access tokens are checked with libtokengate's Verifier against
// the upstream's keys (discovered from its metadata, or --upstream-jwks-url), its issuer and, when
// configured, our audience. A token whose answer needs no fetch is answered at once; one that
// does is handed to the verifier's own thread and answered on the caller's event loop.
#include "oauth/bearer.hpp"
#include "tokengate/verifier.hpp"

namespace tokengate::proxy {

class UpstreamTokenVerifier final : public oauth::AccessTokenVerifier {
 public:
  // `issuer_known` false (a JWKS URL without --upstream-issuer): no token is accepted, rather than
  // any token whoever holds those keys signed.
  UpstreamTokenVerifier(tokengate::Verifier& verifier, bool issuer_known) : verifier_(verifier), issuer_known_(issuer_known) {}
  void verify(boost::asio::io_context& loop, std::string_view token, std::function<void(Result)> done) const override;

 private:
  tokengate::Verifier& verifier_;
  bool issuer_known_;
};

}  // namespace tokengate::proxy
