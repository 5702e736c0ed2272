#include "proxy/proxy_mode.hpp"

#include <stdexcept>

#include <boost/url/parse.hpp>

#include "http/event_loop.hpp"

namespace tokengate::proxy {
namespace {

UpstreamOptions upstream_options(const config::Config& c) {
  UpstreamOptions o;
  o.connect_timeout = std::chrono::milliseconds(c.upstream_connect_timeout_ms);
  o.deadline = std::chrono::milliseconds(c.upstream_timeout_ms);
  o.max_retries = static_cast<int>(c.upstream_retries);
  o.max_connections = static_cast<size_t>(c.upstream_max_connections);
  o.ca_file = c.upstream_ca_file;
  return o;
}

CircuitBreaker breaker(const config::Config& c) {
  return CircuitBreaker(static_cast<int>(c.circuit_breaker_failures),
                        std::chrono::milliseconds(c.circuit_breaker_cooldown_ms));
}

std::string checked_token_url(const config::Config& c) {
  try {
    check_upstream_url("upstream_token_url", c.upstream_token_url);
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(e.what());
  }
  return c.upstream_token_url;
}

UpstreamClient make_client(UpstreamOptions options, CircuitBreaker& breaker) {
  try {
    return UpstreamClient(std::move(options), breaker);
  } catch (const std::runtime_error& e) {
    throw config::ConfigError(std::string("upstream_ca_file: ") + e.what());
  }
}

std::string origin_of(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return {};
  return std::string(u->scheme()) + "://" + std::string(u->encoded_authority());
}

// Where the upstream's keys are: upstream_jwks_url if set; else the metadata of upstream_issuer, or
// of the origin of upstream_token_url (RFC 8414 §3.3: that is then the issuer tokens must carry).
tokengate::VerifierOptions key_options(const config::Config& c) {
  tokengate::VerifierOptions o;
  o.issuer = c.upstream_issuer;
  o.jwks_url = c.upstream_jwks_url;
  if (o.issuer.empty() && o.jwks_url.empty()) o.issuer = origin_of(c.upstream_token_url);
  o.audience = c.audience;
  o.timeout = std::chrono::milliseconds(c.upstream_timeout_ms);
  o.ca_file = c.upstream_ca_file;
  return o;
}

}  // namespace

ProxyMode::ProxyMode(const config::Config& c)
    : token_url_(checked_token_url(c)),
      token_breaker_(breaker(c)),
      token_client_(make_client(upstream_options(c), token_breaker_)),
      cache_(c.token_cache ? static_cast<size_t>(c.token_cache_size) : 0, std::chrono::seconds(c.token_cache_max_age)),
      endpoint_(token_client_, cache_, keyer_, token_url_, c.upstream_auth == "post" ? UpstreamAuth::post : UpstreamAuth::basic,
                c.upstream_client_cert_header),
      keys_(key_options(c)),
      verifier_(keys_, !c.upstream_issuer.empty() || c.upstream_jwks_url.empty()) {}

void ProxyMode::issue_token(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                            const front::ClientGate& gate, http::Respond respond) const {
  if (!gate.limits || !gate.limits->limits_client_rate()) return endpoint_.forward(request, credentials, std::move(respond));
  // The upstream's 200 (or a cached token, which only the right secret finds) is the proof of
  // authentication: only then is the client's rate charged, and an answer over it withheld.
  endpoint_.forward(request, credentials, [&gate, id = std::string(credentials.id), respond = std::move(respond)](http::Response r) {
    if (r.status == 200) {
      if (auto refusal = gate.admit(id)) return respond(std::move(*refusal));
    }
    respond(std::move(r));
  });
}

void ProxyMode::introspect(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                           std::optional<std::string_view> token, http::Respond respond) const {
  forward_operation(ProxyEndpoint::Operation::introspect, request, credentials, token, std::move(respond));
}

void ProxyMode::revoke(const oauth::TokenRequest& request, const oauth::PresentedCredentials& credentials,
                       std::optional<std::string_view> token, http::Respond respond) const {
  forward_operation(ProxyEndpoint::Operation::revoke, request, credentials, token, std::move(respond));
}

void ProxyMode::forward_operation(ProxyEndpoint::Operation operation, const oauth::TokenRequest& request,
                                  const oauth::PresentedCredentials& credentials,
                                  std::optional<std::string_view> token, http::Respond respond) const {
  boost::asio::io_context& loop = *request.http.loop;
  if (credentials.by_certificate)
    return respond(oauth::OAuthError::invalid_client(
                       "In proxy mode, introspection and revocation take a client secret or an assertion, not a TLS "
                       "client certificate.",
                       false)
                       .to_response());
  // The endpoints come with the upstream's metadata, read with its keys.
  auto forward = [this, operation, &loop, credentials, token = std::string(token.value_or("")),
                  hint = std::string(request.body.get("token_type_hint").value_or("")),
                  caller = std::string(request.http.client_address), respond = std::move(respond)](const tokengate::PublishedKeys& keys) mutable {
    bool introspect = operation == ProxyEndpoint::Operation::introspect;
    const std::string& url = introspect ? keys.metadata.introspection_endpoint : keys.metadata.revocation_endpoint;
    if (url.empty())
      return respond(http::json_error(
          501, "not_implemented",
          std::string("The upstream authorization server names no ") +
              (introspect ? "introspection_endpoint" : "revocation_endpoint") + " in its metadata" +
              (keys.error.empty() ? "" : " (" + keys.error + ")") + ", so this proxy cannot forward the request."));
    endpoint_.forward_operation(operation, url, loop, credentials, std::move(token), std::move(hint), caller,
                                std::move(respond));
  };
  if (auto keys = keys_.try_keys()) return forward(*keys);
  keys_.async_keys(http::answer_on<tokengate::PublishedKeys>(loop, std::move(forward)));
}

void ProxyMode::published_keys(boost::asio::io_context& loop, std::function<void(front::PublishedKeys)> done) const {
  auto answer = [done = std::move(done)](const tokengate::PublishedKeys& keys) {
    if (!keys.available) return done({{}, "the upstream's keys could not be fetched: " + keys.error});
    done({keys.jwks_json, {}});
  };
  if (auto keys = keys_.try_keys()) return answer(*keys);
  keys_.async_keys(http::answer_on<tokengate::PublishedKeys>(loop, std::move(answer)));
}

CircuitBreaker::State ProxyMode::circuit_state() const { return token_breaker_.state(Clock::now()); }

observe::HealthReport ProxyMode::readiness() const {
  bool open = token_breaker_.state(Clock::now()) == CircuitBreaker::State::open;
  return {!open, {{"upstream", open ? "circuit_open" : "available"}}};
}

observe::HealthReport ProxyMode::health() const {
  auto state = token_breaker_.state(Clock::now());
  auto recent = token_client_.recent();
  bool reachable = state != CircuitBreaker::State::open && (recent.samples == 0 || recent.last_ok);
  const char* circuit = state == CircuitBreaker::State::closed ? "closed"
                        : state == CircuitBreaker::State::open ? "open"
                                                               : "half_open";
  return {reachable,
          {{"upstream",
            // Any token holder reads this: whether it works, not the upstream's address or
            // latencies (those are in /metrics, on the admin listener).
            boost::json::object{{"reachable", reachable}, {"circuit", circuit}}}}};
}

}  // namespace tokengate::proxy
