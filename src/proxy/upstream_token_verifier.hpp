#pragma once
// Proxy mode, resource-server side: access tokens are checked against the upstream's keys
// (UpstreamKeys), its issuer and, when configured, our audience.
#include <string>

#include "oauth/bearer.hpp"
#include "proxy/upstream_keys.hpp"

namespace tokengate::proxy {

class UpstreamTokenVerifier final : public oauth::AccessTokenVerifier {
 public:
  // `audience` empty: any audience is accepted.
  UpstreamTokenVerifier(const UpstreamKeys& keys, std::string audience) : keys_(keys), audience_(std::move(audience)) {}
  void verify(boost::asio::io_context& loop, std::string_view token, std::function<void(Result)> done) const override;

 private:
  const UpstreamKeys& keys_;
  std::string audience_;
};

}  // namespace tokengate::proxy
