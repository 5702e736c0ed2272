#pragma once
// Issuer mode: access tokens for the status routes must be live tokens of ours (token_inspection)
// for the default audience. No I/O.
#include "oauth/bearer.hpp"
#include "issuer/issuer_state.hpp"

namespace tokengate::issuer {

class IssuerTokenVerifier final : public oauth::AccessTokenVerifier {
 public:
  explicit IssuerTokenVerifier(const IssuerState& state) : state_(state) {}
  void verify(boost::asio::io_context& loop, std::string_view token, std::function<void(Result)> done) const override;
  std::string_view public_base() const override { return state_.settings.issuer; }
  const oauth::DpopNonces* dpop_nonces() const override { return state_.settings.dpop_nonces.get(); }

 private:
  const IssuerState& state_;
};

}  // namespace tokengate::issuer
