#pragma once
// Issuer mode (the embedded default): clients and keys come from the store's snapshots, and a valid
// token request is answered with a token signed here.
#include "front/mode.hpp"
#include "issuer/issuer_state.hpp"
#include "issuer/issuer_token_verifier.hpp"
#include "store/store_watcher.hpp"

namespace tokengate::issuer {

class IssuerMode final : public front::Mode {
 public:
  // `watcher` tells the health checks whether the store is reachable.
  IssuerMode(const IssuerState& state, const store::StoreWatcher& watcher);

  std::string_view name() const override { return "issuer"; }
  // Checks the client's secret against the snapshot, then the client credentials grant.
  void issue_token(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                   http::Respond respond) const override;
  void published_keys(boost::asio::io_context& loop, std::function<void(front::PublishedKeys)> done) const override;
  const oauth::AccessTokenVerifier& token_verifier() const override { return verifier_; }
  observe::HealthReport readiness() const override;
  observe::HealthReport health() const override;

 private:
  const IssuerState& state_;
  const store::StoreWatcher& watcher_;
  IssuerTokenVerifier verifier_;
};

}  // namespace tokengate::issuer
