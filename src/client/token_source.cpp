// tokengate::TokenSource: the client credentials grant (RFC 6749 §4.4), a cached token refreshed
// ahead of expiry by one caller at a time, backoff with jitter after failures.
#include "tokengate/token_source.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>

#include <boost/json/parse.hpp>

#include "common/json_member.hpp"
#include "client/discovery.hpp"
#include "client/http_fetch.hpp"
#include "common/form_encoding.hpp"
#include "common/job_thread.hpp"
#include "client/client_assertion_signer.hpp"
#include "client/dpop_signer.hpp"
#include "common/ascii.hpp"

namespace tokengate {
namespace {

using Clock = std::chrono::system_clock;

constexpr const char* kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

std::string member(const boost::json::object& o, const char* name) { return std::string(common::string_member(o, name)); }

// What the server answered, as a token or as the error it names (RFC 6749 §5.1, §5.2).
AccessToken parse_token_response(const client::FetchResponse& res, const std::string& url) {
  boost::system::error_code ec;
  auto v = boost::json::parse(res.body, ec);
  const boost::json::object* body = !ec && v.is_object() ? &v.as_object() : nullptr;
  if (res.status != 200) {
    std::string what = "the token endpoint " + url + " answered HTTP " + std::to_string(res.status);
    if (body && !member(*body, "error").empty()) {
      what += ": " + member(*body, "error");
      std::string description = member(*body, "error_description");
      if (!description.empty()) what += ": " + description.substr(0, 300);
      throw Error(Error::Code::refused, what, res.status);
    }
    throw Error(res.status >= 500 ? Error::Code::unreachable : Error::Code::bad_response, what, res.status);
  }
  if (!body) throw Error(Error::Code::bad_response, "the token endpoint " + url + " answered 200 with no JSON object", 200);
  AccessToken t;
  t.value = member(*body, "access_token");
  t.token_type = member(*body, "token_type");
  t.scope = member(*body, "scope");
  if (t.value.empty() || t.token_type.empty())
    throw Error(Error::Code::bad_response, "the token response from " + url + " lacks access_token or token_type", 200);
  // expires_in is RECOMMENDED (§5.1): without it, the token is kept five minutes.
  int64_t lifetime = 300;
  if (auto it = body->find("expires_in"); it != body->end()) {
    if (it->value().is_int64() && it->value().as_int64() > 0) lifetime = it->value().as_int64();
    else if (it->value().is_uint64()) lifetime = static_cast<int64_t>(std::min<uint64_t>(it->value().as_uint64(), 31u * 86400));
    else if (it->value().is_double() && it->value().as_double() > 0) lifetime = static_cast<int64_t>(it->value().as_double());
  }
  lifetime = std::min<int64_t>(lifetime, 366LL * 86400);
  t.expires_at = Clock::now() + std::chrono::seconds(lifetime);
  t.response_json = res.body;
  return t;
}

}  // namespace

struct TokenSource::Impl {
  TokenSourceOptions options;

  std::mutex mutex;
  std::condition_variable changed;
  std::string token_url;  // discovered once, if not given
  std::optional<AccessToken> current;
  Clock::time_point refresh_after{};
  Clock::time_point usable_until{};  // `current` is handed out until then
  bool fetching = false;
  int failures = 0;
  Clock::time_point next_attempt{};
  std::exception_ptr last_error;
  uint64_t sent = 0;
  std::mt19937_64 random{std::random_device{}()};

  std::unique_ptr<client::ClientAssertionSigner> assertions;  // private_key_jwt
  std::unique_ptr<client::DpopSigner> dpop;                   // DPoP mode

  common::JobThread worker{1000};  // last: joined first, while the rest still exists


  // One token request to `url` (RFC 6749 §4.4.2) with this source's client authentication.
  client::FetchRequest make_request(const std::string& url) {
    client::FetchRequest req = client::request_with(options);
    req.method = "POST";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    req.body = "grant_type=client_credentials";
    if (!options.scope.empty()) common::append_form_param(req.body, "scope", options.scope);
    if (!options.resource.empty()) common::append_form_param(req.body, "resource", options.resource);
    if (!options.audience.empty()) common::append_form_param(req.body, "audience", options.audience);
    req.url = url;
    if (assertions) {  // private_key_jwt: a new assertion for each request (its jti is single use)
      if (!options.client_id.empty()) common::append_form_param(req.body, "client_id", options.client_id);
      common::append_form_param(req.body, "client_assertion_type", kJwtBearer);
      std::string audience = !options.assertion_audience.empty() ? options.assertion_audience
                             : !options.issuer.empty()           ? options.issuer
                                                                 : url;
      common::append_form_param(req.body, "client_assertion", assertions->sign(options.client_id, audience));
    } else if (!options.assertion_file.empty()) {  // read anew each time: the file is renewed in place
      if (!options.client_id.empty()) common::append_form_param(req.body, "client_id", options.client_id);
      common::append_form_param(req.body, "client_assertion_type", kJwtBearer);
      common::append_form_param(req.body, "client_assertion", client::read_assertion_file(options.assertion_file));
    } else if (options.client_secret.empty() && !options.client_certificate_file.empty()) {
      // RFC 8705 §2: the certificate authenticates; client_id says which client it is.
      common::append_form_param(req.body, "client_id", options.client_id);
    } else switch (options.auth) {
      case ClientAuth::basic:
        req.headers.emplace_back("Authorization", common::basic_authorization(options.client_id, options.client_secret));
        break;
      case ClientAuth::post:
        common::append_form_param(req.body, "client_id", options.client_id);
        common::append_form_param(req.body, "client_secret", options.client_secret);
        break;
      case ClientAuth::cells_query: {
        std::string query;
        common::append_form_param(query, "ClientId", options.client_id);
        common::append_form_param(query, "ClientSecret", options.client_secret);
        req.url += (url.find('?') == std::string::npos ? "?" : "&") + query;
        break;
      }
    }
    req.client_certificate_file = options.client_certificate_file;
    req.client_key_file = options.client_key_file;
    return req;
  }

  // One token request (and, the first time, discovery). Throws Error.
  AccessToken request() {
    std::string url;
    {
      std::lock_guard lock(mutex);
      url = token_url;
    }
    if (url.empty()) {
      ServerMetadata m = client::discover(options.issuer, client::request_with(options));
      if (m.token_endpoint.empty())
        throw Error(Error::Code::bad_response, "the metadata of " + options.issuer + " names no token_endpoint");
      url = m.token_endpoint;
      std::lock_guard lock(mutex);
      token_url = url;
    }
    client::FetchResponse res = send(make_request(url), url);
    // RFC 9449 §8: a server that wants a nonce says which; the request is made once more with it,
    // made anew (a client assertion is good once, and the server has seen this one).
    if (dpop && res.status == 400 && !res.dpop_nonce.empty() && res.body.find("use_dpop_nonce") != std::string::npos)
      res = send(make_request(url), url);
    AccessToken token = parse_token_response(res, url);  // the URL without the query: no secret in messages
    if (dpop && !common::iequals(token.token_type, "DPoP"))
      throw Error(Error::Code::bad_response,
                  "the token endpoint " + url + " issued a " + token.token_type +
                      " token to a DPoP request: it does not bind tokens to DPoP keys (RFC 9449 §5)",
                  200);
    return token;
  }

  // One POST of `req` (with a fresh DPoP proof in DPoP mode), counted.
  client::FetchResponse send(client::FetchRequest req, const std::string& url) {
    if (dpop) req.headers.emplace_back("DPoP", dpop->proof("POST", url));
    {
      std::lock_guard lock(mutex);
      ++sent;
    }
    client::FetchResponse res = client::fetch(req);
    if (dpop) dpop->remember_nonce(url, res.dpop_nonce);
    return res;
  }

  // The backoff after `failures` failures in a row: exponential, capped, with full jitter on its upper half.
  std::chrono::milliseconds backoff() {
    double base = static_cast<double>(options.min_backoff.count()) * std::pow(2.0, std::min(failures - 1, 20));
    double capped = std::min(base, static_cast<double>(options.max_backoff.count()));
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return std::chrono::milliseconds(static_cast<int64_t>(capped * jitter(random)));
  }

  AccessToken get() {
    std::unique_lock lock(mutex);
    for (;;) {
      auto now = Clock::now();
      bool valid = current && now < usable_until;
      if (valid && now < refresh_after) return *current;  // fresh: the common case
      // Past refresh_at, or none: one caller fetches; the others keep a still-valid token meanwhile,
      // or wait for the fetch. After a failure, nobody asks again before the backoff has passed.
      if (valid && (fetching || now < next_attempt)) return *current;
      if (fetching) {
        changed.wait(lock);
        continue;
      }
      if (now < next_attempt && last_error) std::rethrow_exception(last_error);
      fetching = true;
      lock.unlock();
      std::optional<AccessToken> got;
      std::exception_ptr error;
      try {
        got = request();
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      fetching = false;
      if (got) {
        auto lifetime = got->expires_at - Clock::now();
        refresh_after = Clock::now() + std::chrono::duration_cast<Clock::duration>(lifetime * options.refresh_at);
        // A token is handed out until 5 s before it expires, or half its lifetime for short ones.
        usable_until = got->expires_at - std::min<Clock::duration>(std::chrono::seconds(5), lifetime / 2);
        current = std::move(got);
        failures = 0;
        last_error = nullptr;
        next_attempt = {};
        changed.notify_all();
        return *current;  // the token just fetched, however short its life: no second request for it
      } else {
        ++failures;
        last_error = error;
        next_attempt = Clock::now() + backoff();
      }
      changed.notify_all();
      if (!(current && Clock::now() < usable_until)) std::rethrow_exception(error);
    }
  }
};

TokenSource::TokenSource(TokenSourceOptions options) : impl_(std::make_shared<Impl>()) {
  if (options.token_url.empty() && options.issuer.empty())
    throw Error(Error::Code::configuration, "a TokenSource needs a token_url or an issuer to discover it from");
  for (const std::string* url : {&options.token_url, &options.issuer}) {
    if (!url->empty() && !url->starts_with("https://") && !url->starts_with("http://"))
      throw Error(Error::Code::configuration, "'" + *url + "' is not an http(s) URL");
  }
  int ways = !options.client_secret.empty() + !options.private_key_file.empty() + !options.assertion_file.empty();
  if (ways > 1)
    throw Error(Error::Code::configuration,
                "a TokenSource authenticates with one of client_secret, private_key_file and assertion_file, not more");
  if (options.client_id.empty() && options.assertion_file.empty())
    throw Error(Error::Code::configuration, "a TokenSource needs a client_id");
  if (!options.private_key_file.empty())
    impl_->assertions = std::make_unique<client::ClientAssertionSigner>(options.private_key_file, options.key_id,
                                                                       options.key_algorithm);
  if (options.client_certificate_file.empty() != options.client_key_file.empty())
    throw Error(Error::Code::configuration, "mutual TLS needs both client_certificate_file and client_key_file");
  if (options.dpop || !options.dpop_key_file.empty())
    impl_->dpop = std::make_unique<client::DpopSigner>(options.dpop_key_file, options.key_algorithm);
  if (!(options.refresh_at > 0 && options.refresh_at <= 1))
    throw Error(Error::Code::configuration, "refresh_at must be in (0, 1]");
  impl_->token_url = options.token_url;
  impl_->options = std::move(options);
}

TokenSource::~TokenSource() = default;

std::string TokenSource::token() { return impl_->get().value; }

AccessToken TokenSource::access_token() { return impl_->get(); }

void TokenSource::async_token(std::function<void(AccessToken, std::exception_ptr)> done) {
  Impl* impl = impl_.get();  // the worker is joined before the rest of *impl goes
  bool queued = impl->worker.post([impl, done] {
    AccessToken token;
    std::exception_ptr error;
    try {
      token = impl->get();
    } catch (...) {
      error = std::current_exception();
    }
    done(std::move(token), error);
  });
  if (!queued) done({}, std::make_exception_ptr(Error(Error::Code::unreachable, "too many token requests are waiting")));
}

void TokenSource::invalidate() {
  std::lock_guard lock(impl_->mutex);
  impl_->current.reset();
}

std::string TokenSource::dpop_proof(std::string_view method, std::string_view url, std::string_view access_token) {
  if (!impl_->dpop) throw Error(Error::Code::configuration, "dpop_proof: this TokenSource is not in DPoP mode (dpop)");
  return impl_->dpop->proof(method, url, access_token);
}

void TokenSource::dpop_nonce(std::string_view url, std::string_view nonce) {
  if (impl_->dpop) impl_->dpop->remember_nonce(url, nonce);
}

std::string TokenSource::dpop_thumbprint() const { return impl_->dpop ? impl_->dpop->thumbprint() : std::string(); }

uint64_t TokenSource::requests_sent() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sent;
}

}  // namespace tokengate
