#include "proxy/upstream_jwks.hpp"

#include <ctime>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include "http/event_loop.hpp"
#include "jose/jws_verify.hpp"

namespace tokengate::proxy {
namespace {

constexpr auto kRefetchUnknownKid = std::chrono::seconds(5);
constexpr auto kMaxAge = std::chrono::minutes(5);

std::string origin_of(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return {};
  return std::string(u->scheme()) + "://" + std::string(u->encoded_authority());
}

}  // namespace

struct UpstreamJwks::State : std::enable_shared_from_this<UpstreamJwks::State> {
  UpstreamOptions base;  // timeouts, CA file; the URL changes per request
  CircuitBreaker breaker{5, std::chrono::milliseconds(10000)};
  std::string configured_issuer;
  std::string metadata_base;  // where to discover; empty when the JWKS URL is configured
  std::string audience;

  std::mutex mutex;
  Snapshot snapshot;
  std::string jwks_url;
  std::unique_ptr<UpstreamClient> jwks_client;
  std::unique_ptr<UpstreamClient> metadata_clients[2];  // kept: each client owns per-thread pools
  Clock::time_point fetched_at{};
  bool fetched_once = false;
  bool fetching = false;
  struct Waiter {
    boost::asio::io_context* loop;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running;  // a stop waits for it
    std::function<void(const Snapshot&)> done;
  };
  std::vector<std::shared_ptr<Waiter>> waiting;

  std::unique_ptr<UpstreamClient> client_for(const std::string& url) {
    UpstreamOptions o = base;
    o.token_url = url;
    o.max_retries = 1;
    return std::make_unique<UpstreamClient>(o, breaker);
  }

  // Ends a fetch: publishes what it found and answers everyone who waited, each on its own thread.
  void finish(std::shared_ptr<const jose::PublicKeySet> keys, std::string json, std::string issuer, std::string error) {
    std::vector<std::shared_ptr<Waiter>> to_answer;
    Snapshot copy;
    {
      std::lock_guard lock(mutex);
      if (keys) {
        snapshot.keys = std::move(keys);
        snapshot.jwks_json = std::move(json);
        if (!issuer.empty()) snapshot.issuer = std::move(issuer);
        snapshot.error.clear();
      } else {
        snapshot.error = error;
      }
      fetched_at = Clock::now();
      fetched_once = true;
      fetching = false;
      to_answer.swap(waiting);
      copy = snapshot;
    }
    if (!error.empty()) spdlog::warn("upstream JWKS: {}", error);
    for (auto& w : to_answer) {
      boost::asio::post(*w->loop, [copy, w] {
        auto done = std::move(w->done);
        w->done = nullptr;
        w->keep_running.reset();
        done(copy);
      });
    }
  }

  void fetch_jwks(std::string issuer) {
    auto self = shared_from_this();
    UpstreamClient* client;
    try {
      std::lock_guard lock(mutex);
      // jwks_uri may come from the upstream's metadata: a relative or non-http(s) one is refused here.
      if (!jwks_client) jwks_client = client_for(jwks_url);
      client = jwks_client.get();
    } catch (const std::exception& e) {
      return finish(nullptr, {}, {}, "unusable jwks_uri " + jwks_url + ": " + e.what());
    }
    client->get([self, issuer](UpstreamResult r) {
      if (r.outcome != UpstreamResult::Outcome::response || r.status != 200)
        return self->finish(nullptr, {}, {}, "cannot fetch " + self->jwks_url + " (" +
                                                 (r.status ? "HTTP " + std::to_string(r.status) : r.detail) + ")");
      boost::system::error_code ec;
      auto v = boost::json::parse(r.body, ec);
      if (ec || !v.is_object()) return self->finish(nullptr, {}, {}, self->jwks_url + " is not a JSON object");
      auto keys = std::make_shared<const jose::PublicKeySet>(jose::PublicKeySet::from_jwks(v.as_object()));
      if (keys->size() == 0) return self->finish(nullptr, {}, {}, self->jwks_url + " holds no usable signing key");
      self->finish(std::move(keys), std::move(r.body), issuer, {});
    });
  }

  // Discovery (RFC 8414 §3, then OpenID Connect Discovery), then the JWKS.
  void discover(size_t which) {
    static const char* kPaths[] = {"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"};
    auto self = shared_from_this();
    std::string url = metadata_base + kPaths[which];
    UpstreamClient* client;
    try {
      std::lock_guard lock(mutex);
      if (!metadata_clients[which]) metadata_clients[which] = client_for(url);
      client = metadata_clients[which].get();
    } catch (const std::exception& e) {
      return finish(nullptr, {}, {}, "unusable metadata URL " + url + ": " + e.what());
    }
    client->get([self, which, url](UpstreamResult r) {
      boost::system::error_code ec;
      boost::json::value v;
      if (r.outcome == UpstreamResult::Outcome::response && r.status == 200) v = boost::json::parse(r.body, ec);
      bool ok = !ec && v.is_object() && v.as_object().contains("jwks_uri") && v.as_object().at("jwks_uri").is_string();
      if (!ok) {
        if (which + 1 < std::size(kPaths)) return self->discover(which + 1);
        return self->finish(nullptr, {}, {}, "no usable metadata (jwks_uri) at " + self->metadata_base + kPaths[0] +
                                                 " or " + kPaths[1]);
      }
      const auto& m = v.as_object();
      std::string issuer = m.contains("issuer") && m.at("issuer").is_string() ? std::string(m.at("issuer").as_string()) : "";
      {
        std::lock_guard lock(self->mutex);
        std::string jwks = std::string(m.at("jwks_uri").as_string());
        if (jwks != self->jwks_url) self->jwks_client.reset();
        self->jwks_url = jwks;
      }
      if (!self->configured_issuer.empty() && !issuer.empty() && issuer != self->configured_issuer)
        return self->finish(nullptr, {}, {}, "the metadata at " + url + " names issuer " + issuer + ", not " +
                                                 self->configured_issuer);
      self->fetch_jwks(self->configured_issuer.empty() ? issuer : self->configured_issuer);
    });
  }

  void start_fetch() {
    if (metadata_base.empty()) fetch_jwks(configured_issuer);
    else discover(0);
  }
};

UpstreamJwks::UpstreamJwks(const config::Config& config) : state_(std::make_shared<State>()) {
  auto& s = *state_;
  s.base.connect_timeout = std::chrono::milliseconds(config.upstream_connect_timeout_ms);
  s.base.deadline = std::chrono::milliseconds(config.upstream_timeout_ms);
  s.base.ca_file = config.upstream_ca_file;
  s.base.max_connections = 4;
  s.configured_issuer = config.upstream_issuer;
  s.audience = config.audience;
  s.snapshot.issuer = config.upstream_issuer;
  if (!config.upstream_jwks_url.empty()) s.jwks_url = config.upstream_jwks_url;
  else s.metadata_base = !config.upstream_issuer.empty() ? config.upstream_issuer : origin_of(config.upstream_token_url);
  while (!s.metadata_base.empty() && s.metadata_base.back() == '/') s.metadata_base.pop_back();
}

void UpstreamJwks::current(std::string_view kid, std::function<void(const Snapshot&)> done) const {
  auto& s = *state_;
  bool start = false;
  bool answer_now = false;
  Snapshot copy;
  {
    std::lock_guard lock(s.mutex);
    auto age = Clock::now() - s.fetched_at;
    bool known = s.snapshot.keys && (kid.empty() || s.snapshot.keys->find(kid));
    bool stale = !s.fetched_once || age > kMaxAge;
    bool may_refetch = !s.fetched_once || age > kRefetchUnknownKid;
    if ((known && !stale) || (!known && !may_refetch && !s.fetching)) {
      copy = s.snapshot;
      answer_now = true;
    } else {
      auto& loop = http::current_event_loop();
      s.waiting.push_back(std::make_shared<State::Waiter>(State::Waiter{&loop, boost::asio::make_work_guard(loop), std::move(done)}));
      start = !s.fetching;
      s.fetching = true;
    }
  }
  if (start) s.start_fetch();
  if (answer_now) done(copy);
}

void UpstreamJwks::verify(std::string_view token, std::function<void(Result)> done) const {
  // The kid is read before verification only to know whether a refetch may help.
  std::string kid;
  if (auto jws = jose::parse_compact(token)) {
    boost::system::error_code ec;
    auto h = boost::json::parse(jws->header, ec);
    if (!ec && h.is_object() && h.as_object().contains("kid") && h.as_object().at("kid").is_string())
      kid = std::string(h.as_object().at("kid").as_string());
  }
  std::string audience = state_->audience;
  current(kid, [token = std::string(token), audience, done = std::move(done)](const Snapshot& snap) {
    if (!snap.keys)
      return done(jose::JwtFailure{jose::JwtFailure::unknown_key,
                                   "The upstream's signing keys are not available to check the token with."});
    if (snap.issuer.empty())  // never accept tokens from whoever signed with these keys, unchecked
      return done(jose::JwtFailure{jose::JwtFailure::wrong_issuer,
                                   "The upstream's issuer is unknown (set --upstream-issuer), so no token is accepted."});
    jose::JwtExpectations expect{snap.issuer, audience};
    done(jose::verify_access_token(token, *snap.keys, expect, static_cast<int64_t>(std::time(nullptr))));
  });
}

}  // namespace tokengate::proxy
