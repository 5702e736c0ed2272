#pragma once
// Issuer mode: access tokens are checked against our own keys (active and retired), issuer and
// default audience, with no I/O.
#include "oauth/bearer.hpp"
#include "issuer/issuer_state.hpp"

namespace tokengate::issuer {

class IssuerTokenVerifier final : public oauth::AccessTokenVerifier {
 public:
  explicit IssuerTokenVerifier(const IssuerState& state) : state_(state) {}
  void verify(boost::asio::io_context& loop, std::string_view token, std::function<void(Result)> done) const override;

 private:
  const IssuerState& state_;
};

}  // namespace tokengate::issuer
