#include "issuer/issuer_mode.hpp"

#include "issuer/client_check.hpp"
#include "issuer/client_credentials_grant.hpp"

namespace tokengate::issuer {

IssuerMode::IssuerMode(const IssuerState& state, const store::StoreWatcher& watcher)
    : state_(state), watcher_(watcher), verifier_(state) {}

void IssuerMode::issue_token(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                             http::Respond respond) const {
  AuthResult auth = check_client(credentials, store::read_snapshot(state_.clients));
  if (auto* e = std::get_if<oauth::OAuthError>(&auth)) return respond(e->to_response());
  const store::ClientRecord& client = *std::get<const store::ClientRecord*>(auth);

  auto result = grant_client_credentials(request, client, store::read_snapshot(state_.keys), state_.settings);
  if (auto* e = std::get_if<oauth::OAuthError>(&result)) return respond(e->to_response());
  respond(std::get<http::Response>(std::move(result)));
}

void IssuerMode::published_keys(boost::asio::io_context&, std::function<void(front::PublishedKeys)> done) const {
  done({store::read_snapshot(state_.keys).jwks_json, {}});
}

observe::HealthReport IssuerMode::readiness() const {
  bool key = store::read_snapshot(state_.keys).active != nullptr;
  bool store = watcher_.healthy();
  return {key && store, {{"signing_key", key ? "loaded" : "missing"}, {"store", store ? "reachable" : "unreachable"}}};
}

observe::HealthReport IssuerMode::health() const {
  const KeySet& keys = store::read_snapshot(state_.keys);
  auto recent = watcher_.recent();
  bool store_ok = watcher_.healthy();
  boost::json::object key{{"loaded", keys.active != nullptr}};
  if (keys.active) {
    key["kid"] = keys.active->kid();
    key["alg"] = jose::to_string(keys.active->algorithm());
  }
  return {store_ok && keys.active,
          {{"store", boost::json::object{{"reachable", store_ok},
                                         {"recent_polls", recent.samples},
                                         {"error_rate_percent", static_cast<int64_t>(recent.error_rate * 100 + 0.5)},
                                         {"mean_latency_us", static_cast<int64_t>(recent.mean_latency_ms * 1000)},
                                         {"last_latency_us", static_cast<int64_t>(recent.last_latency_ms * 1000)}}},
           {"signing_key", std::move(key)}}};
}

}  // namespace tokengate::issuer
