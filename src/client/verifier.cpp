// tokengate::Verifier, the facade: an algorithm allow-list, the issuer's keys (client/key_cache),
// the checks of jose::verify_remembered (with the process's one memory of verified tokens), and the
// token's status list (client/status_list_cache). Claims and results: client/verify_result.cpp.
#include "tokengate/verifier.hpp"

#include <ctime>

#include <boost/json/parse.hpp>

#include "client/dpop_signer.hpp"
#include "client/http_fetch.hpp"
#include "client/key_cache.hpp"
#include "client/status_list_cache.hpp"
#include "common/base64url.hpp"
#include "common/job_thread.hpp"
#include "jose/dpop_proof.hpp"
#include "jose/dpop_replay.hpp"
#include "jose/jwt_verifier.hpp"
#include "jose/x509_certificate.hpp"
#include "tokengate/error.hpp"

namespace tokengate {
namespace {

// What the header says, read before the keys are chosen: its kid (to know whether a refetch may
// help) and whether its alg is one we accept at all.
struct Header {
  std::string kid;
  std::string alg;
  bool parsed = false;
};

Header read_header(std::string_view token) {
  Header h;
  size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) == std::string_view::npos) return h;
  auto text = common::base64url_decode(token.substr(0, dot));
  if (!text) return h;
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  if (ec || !v.is_object()) return h;
  const auto& o = v.as_object();
  if (auto it = o.find("kid"); it != o.end() && it->value().is_string()) h.kid = std::string(it->value().as_string());
  if (auto it = o.find("alg"); it != o.end() && it->value().is_string()) h.alg = std::string(it->value().as_string());
  h.parsed = true;
  return h;
}

VerifyResult::Error error_of(jose::JwtFailure::Reason reason) {
  using R = jose::JwtFailure::Reason;
  using E = VerifyResult::Error;
  switch (reason) {
    case R::malformed: return E::malformed;
    case R::unknown_key: return E::unknown_key;
    case R::bad_signature: return E::bad_signature;
    case R::wrong_type: return E::wrong_type;
    case R::wrong_issuer: return E::wrong_issuer;
    case R::wrong_audience: return E::wrong_audience;
    case R::expired: return E::expired;
    case R::not_yet_valid: return E::not_yet_valid;
    case R::revoked: return E::revoked;
  }
  return E::malformed;
}

std::vector<jose::Algorithm> algorithms_of(const std::vector<std::string>& names) {
  std::vector<jose::Algorithm> algorithms;
  for (const auto& name : names) {
    auto alg = jose::parse_algorithm(name);
    if (!alg) throw Error(Error::Code::configuration, "algorithm '" + name + "' is not ES256, EdDSA, RS256 or PS256");
    algorithms.push_back(*alg);
  }
  if (algorithms.empty()) throw Error(Error::Code::configuration, "no algorithm is accepted");
  return algorithms;
}

client::KeyCache::Settings key_settings(const VerifierOptions& options) {
  if (options.min_keys_age > options.max_keys_age)
    throw Error(Error::Code::configuration, "min_keys_age is longer than max_keys_age");
  if (options.jwks_json.empty() && options.jwks_url.empty() && options.issuer.empty())
    throw Error(Error::Code::configuration, "a Verifier needs an issuer (to discover its keys), a jwks_url or jwks_json");
  return {options.issuer,          options.jwks_url,     options.jwks_json,
          algorithms_of(options.algorithms), options.min_keys_age, options.max_keys_age,
          options.unknown_kid_interval,      client::request_with(options)};
}

}  // namespace

struct Verifier::Impl {
  explicit Impl(VerifierOptions o) : options(std::move(o)), keys(key_settings(options), client::fetch) {
    algorithms = algorithms_of(options.algorithms);
  }

  VerifierOptions options;
  std::vector<jose::Algorithm> algorithms;
  client::KeyCache keys;
  client::StatusListCache lists{1000, std::chrono::seconds(60)};
  jose::DpopReplay proofs_seen;     // each DPoP proof once
  common::JobThread worker{1000};  // last: joined first, while the rest still exists

  // RFC 9449 §7.1 and RFC 8705 §3: the token's `cnf` against what came with it.
  VerifyResult check_binding(VerifyResult verified, std::string_view token, const Presentation& presented) {
    using E = VerifyResult::Error;
    if (!verified) return verified;
    std::string jkt = verified.claims().confirmation("jkt");
    std::string x5t = verified.claims().confirmation("x5t#S256");
    // A `cnf` of another kind (a `jwk`, an `x5t`, from another issuer) binds to something this
    // library does not check: never taken as a bearer token.
    if (verified.claims().bound() && jkt.empty() && x5t.empty())
      return VerifyResult::failure(E::wrong_holder, "The token is bound (cnf) in a way this library does not check.");
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    if (!presented.dpop_proof.empty() || !jkt.empty()) {
      if (presented.dpop_proof.empty())
        return VerifyResult::failure(E::bad_proof, "The token is bound to a DPoP key: the request must carry a DPoP proof.");
      jose::DpopExpectations expect{.method = presented.method, .url = client::htu_of(presented.url), .now = now, .access_token = token};
      auto proof = jose::verify_dpop_proof(presented.dpop_proof, expect);
      if (auto* failure = std::get_if<jose::DpopFailure>(&proof)) return VerifyResult::failure(E::bad_proof, failure->message);
      auto& dpop = std::get<jose::DpopProof>(proof);
      if (jkt.empty()) return VerifyResult::failure(E::wrong_holder, "The token is not bound to a DPoP key; it is a Bearer token.");
      if (dpop.jkt != jkt) return VerifyResult::failure(E::wrong_holder, "The token is bound to another DPoP key than the proof's.");
      if (!proofs_seen.first_use(dpop.jkt, dpop.jti, dpop.iat + expect.max_age + expect.leeway, now))
        return VerifyResult::failure(E::bad_proof, "The DPoP proof was used before (its jti).");
    }
    if (!x5t.empty()) {
      std::string presented_x5t = jose::certificate_thumbprint(presented.client_certificate);
      if (presented_x5t.empty())
        return VerifyResult::failure(E::wrong_holder, "The token is bound to a client certificate; the request came without one.");
      if (presented_x5t != x5t)
        return VerifyResult::failure(E::wrong_holder, "The token is bound to another client certificate than the connection's.");
    }
    return verified;
  }

  std::string fetch_status_list(const std::string& uri) const {
    client::FetchRequest req = client::request_with(options);
    req.url = uri;
    req.headers = {{"Accept", "application/statuslist+jwt"}};
    client::FetchResponse res = client::fetch(req);
    if (res.status != 200) throw Error(Error::Code::bad_response, "GET " + uri + " answered HTTP " + std::to_string(res.status));
    return res.body;
  }

  // One verification; with `may_fetch` false, nullopt where a fetch is needed.
  std::optional<VerifyResult> run(std::string_view token, bool may_fetch) {
    using E = VerifyResult::Error;
    int64_t now = static_cast<int64_t>(std::time(nullptr));

    // A token verified before names its key already (and that key's alg was allowed); any other
    // has its header read first, so that a refused alg or an unknown kid costs no signature check.
    common::Sha256Digest digest = common::sha256(token);  // once: the memory's lookup and, on a miss, its entry
    jose::VerifiedTokenPtr recalled = jose::recall_verified(digest);
    Header header;
    std::optional<jose::Algorithm> alg;
    std::string_view kid;
    if (recalled) {
      alg = recalled->alg;
      kid = recalled->kid;
    } else {
      header = read_header(token);
      if (!header.parsed) return VerifyResult::failure(E::malformed, "The token is not a JWT (three base64url parts, a JSON header).");
      alg = jose::parse_algorithm(header.alg);
      kid = header.kid;
    }
    bool allowed = false;
    for (auto a : algorithms) allowed = allowed || (alg && *alg == a);
    if (!allowed)
      return VerifyResult::failure(E::unsupported_algorithm,
                                   "The token's alg '" + (alg ? std::string(jose::to_string(*alg)) : header.alg.substr(0, 16)) +
                                       "' is not accepted (never none, never an HMAC).");

    auto current = keys.usable(kid);
    if (!current && !may_fetch) return std::nullopt;
    if (!current) current = keys.fetch_now();
    if (!current->set)
      return VerifyResult::failure(E::keys_unavailable, "The issuer's keys are not available: " + keys.last_error());

    jose::JwtExpectations expect;
    expect.issuer = current->issuer;
    expect.audience = options.audience;
    expect.type = options.type;
    expect.leeway_seconds = options.leeway.count();
    auto verified = jose::verify_remembered(token, digest, std::move(recalled), *current->set, expect, now);
    if (auto* failure = std::get_if<jose::JwtFailure>(&verified))
      return VerifyResult::failure(error_of(failure->reason), failure->message);
    jose::VerifiedTokenPtr token_of = std::get<jose::VerifiedTokenPtr>(std::move(verified));

    if (options.check_status) {
      std::string problem;
      auto entry = client::status_entry(token_of->claims, expect.issuer.starts_with("https://"), problem);
      if (!problem.empty()) return VerifyResult::failure(E::malformed, problem);
      if (entry) {
        auto looked = lists.lookup(entry->uri, entry->index);
        if (looked.state == client::StatusListCache::Lookup::State::unknown) {
          if (!may_fetch) return std::nullopt;
          auto fetched_list = lists.fetch_and_lookup(
              entry->uri, entry->index, [this](const std::string& uri) { return fetch_status_list(uri); },
              *current->set, std::string(expect.issuer));
          if (auto* error = std::get_if<std::string>(&fetched_list))
            return VerifyResult::failure(E::status_unavailable, "The token's status cannot be checked: " + *error + ".");
          looked = std::get<client::StatusListCache::Lookup>(fetched_list);
        }
        if (looked.state == client::StatusListCache::Lookup::State::revoked)
          return VerifyResult::failure(E::revoked, "The token has been revoked (its status list says so).");
      }
    }
    return VerifyResult::success(Claims(std::move(token_of)));
  }
};

Verifier::Verifier(VerifierOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {}

Verifier::~Verifier() = default;

namespace {
// A bound token verified without what binds it: refused, never taken as a bearer token.
VerifyResult refuse_bound(VerifyResult verified) {
  if (verified && verified.claims().bound())
    return VerifyResult::failure(VerifyResult::Error::wrong_holder,
                                 "The token is bound to a DPoP key or a client certificate: verify it with what the "
                                 "request presented (Verifier::verify(token, presentation)).");
  return verified;
}
}  // namespace

VerifyResult Verifier::verify(std::string_view token) { return refuse_bound(*impl_->run(token, true)); }

std::optional<VerifyResult> Verifier::try_verify(std::string_view token) {
  auto result = impl_->run(token, false);
  if (!result) return result;
  return refuse_bound(std::move(*result));
}

VerifyResult Verifier::verify(std::string_view token, const Presentation& presented) {
  return impl_->check_binding(*impl_->run(token, true), token, presented);
}

std::optional<VerifyResult> Verifier::try_verify(std::string_view token, const Presentation& presented) {
  auto result = impl_->run(token, false);
  if (!result) return result;
  return impl_->check_binding(std::move(*result), token, presented);
}

void Verifier::async_verify(std::string token, std::function<void(VerifyResult)> done) {
  Impl* impl = impl_.get();
  auto job = [impl, token = std::move(token), done]() { done(refuse_bound(*impl->run(token, true))); };
  if (!impl->worker.post(job))
    done(VerifyResult::failure(VerifyResult::Error::keys_unavailable, "Too many verifications are waiting for keys."));
}

std::optional<PublishedKeys> Verifier::try_keys() { return impl_->keys.try_published(); }

PublishedKeys Verifier::keys() { return impl_->keys.published(); }

void Verifier::async_keys(std::function<void(PublishedKeys)> done) {
  Impl* impl = impl_.get();  // the worker is joined before the rest of *impl goes
  if (!impl->worker.post([impl, done] { done(impl->keys.published()); })) {
    PublishedKeys none;
    none.error = "too many callers are waiting for the keys";
    done(none);
  }
}

uint64_t Verifier::key_fetches() const { return impl_->keys.fetches(); }

}  // namespace tokengate
