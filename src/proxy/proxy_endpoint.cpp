#include "proxy/proxy_endpoint.hpp"

#include "common/base64url.hpp"
#include "common/form_encoding.hpp"
#include "http/client_certificate.hpp"
#include "oauth/dpop_error.hpp"
#include "http/event_loop.hpp"
#include "proxy/proxy_metrics.hpp"

namespace tokengate::proxy {
namespace {

// The WWW-Authenticate challenge depends on how this caller authenticated (RFC 6749 §5.2), not on
// how the caller whose upstream call it shared did.
http::Response challenge_for(http::Response answer, bool via_basic) {
  if (answer.status == 401) {
    std::erase_if(answer.headers, [](const auto& h) { return h.first == "WWW-Authenticate"; });
    if (via_basic) answer.header("WWW-Authenticate", "Basic realm=\"tokengate\"");
  }
  return answer;
}

ProxyAnswer internal_error() {
  return {http::json_error(502, "server_error", "The upstream's answer could not be processed."), nullptr};
}

// A certificate as nginx's $ssl_client_escaped_cert sends it: URL-encoded PEM.
std::string escaped_pem(std::string_view der) {
  std::string b64 = common::base64_encode(der);
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem.append(b64, i, 64).append("\n");
  pem += "-----END CERTIFICATE-----\n";
  return common::form_encode(pem);
}

}  // namespace

ProxyEndpoint::ProxyEndpoint(UpstreamTransport& upstream, TokenCache& cache, const CacheKeyer& keyer,
                             std::string token_url, UpstreamAuth auth, std::string certificate_header)
    : upstream_(upstream), cache_(cache), keyer_(keyer), token_url_(std::move(token_url)), auth_(auth),
      certificate_header_(std::move(certificate_header)) {}

void ProxyEndpoint::authenticate(UpstreamRequest& request, const oauth::PresentedCredentials& creds) const {
  if (creds.by_assertion()) {  // passed on unchanged, for the upstream to check (RFC 7521 §4.2)
    if (creds.id_given) common::append_form_param(request.form, "client_id", creds.id);
    common::append_form_param(request.form, "client_assertion_type", oauth::ClientAssertion::kJwtBearer);
    common::append_form_param(request.form, "client_assertion", creds.assertion);
    return;
  }
  if (creds.by_certificate) {  // RFC 8705 §2: the certificate (passed on by forward) authenticates
    common::append_form_param(request.form, "client_id", creds.id);
    return;
  }
  if (auth_ == UpstreamAuth::basic) {
    request.authorization = common::basic_authorization(creds.id, creds.secret);
  } else {
    common::append_form_param(request.form, "client_id", creds.id);
    common::append_form_param(request.form, "client_secret", creds.secret);
  }
}

void ProxyEndpoint::forward_operation(Operation operation, const std::string& url, boost::asio::io_context& loop,
                                      const oauth::PresentedCredentials& creds, std::string token,
                                      std::string type_hint, std::string caller_address, http::Respond respond) const {
  UpstreamRequest request{.method = UpstreamRequest::Method::post, .url = url, .forwarded_for = std::move(caller_address)};
  if (!token.empty()) common::append_form_param(request.form, "token", token);  // absent: the upstream says so
  if (!type_hint.empty()) common::append_form_param(request.form, "token_type_hint", type_hint);
  authenticate(request, creds);
  bool via_basic = creds.via_basic;
  auto done = [this, operation, token = std::move(token), respond, via_basic](UpstreamResult result) {
    if (operation == Operation::introspect) return respond(introspection_answer(result, via_basic));
    http::Response answer = revocation_answer(result, via_basic);
    if (answer.status == 200) cache_.evict(token);  // never served again from the cache
    respond(std::move(answer));
  };
  try {
    upstream_.send(loop, std::move(request), std::move(done));
  } catch (const std::exception&) {
    respond(internal_error().response);
  }
}

void ProxyEndpoint::forward(const oauth::TokenRequest& token_request, const oauth::PresentedCredentials& creds,
                            http::Respond respond) const {
  auto scope = token_request.body.get("scope");
  auto resource = token_request.body.get("resource");
  auto audience = token_request.body.get("audience");

  // The upstream request: RFC 6749 §4.4.2, our client authentication per §2.3.1. Only the grant
  // parameters are forwarded; none of the caller's headers are.
  UpstreamRequest upstream_request{.method = UpstreamRequest::Method::post,
                                   .url = token_url_,
                                   .form = "grant_type=client_credentials",
                                   .forwarded_for = std::string(token_request.http.client_address)};
  std::string& form = upstream_request.form;
  common::append_form_param(form, "scope", scope);
  common::append_form_param(form, "resource", resource);
  common::append_form_param(form, "audience", audience);
  authenticate(upstream_request, creds);

  auto now = Clock::now();
  bool via_basic = creds.via_basic;
  boost::asio::io_context& loop = *token_request.http.loop;
  const http::Request& http = token_request.http;
  if (http.dpop_count > 1) return respond(oauth::invalid_dpop_proof("The request has more than one DPoP header.").to_response());
  if (http.dpop_count == 1) upstream_request.dpop = std::string(http.dpop);  // checked by the upstream, whose URL it names
  if (http.client_certificate && !certificate_header_.empty()) {
    upstream_request.certificate_header = certificate_header_;
    upstream_request.certificate = escaped_pem(http.client_certificate->der);
  }
  if (creds.by_certificate && certificate_header_.empty())
    return respond(oauth::OAuthError::invalid_client(
                       "This proxy does not pass client certificates to its upstream, so a client cannot authenticate "
                       "with one here (the operator sets --upstream-client-cert-header); send a secret or an assertion.",
                       false)
                       .to_response());
  bool bound = http.dpop_count > 0 || http.client_certificate;
  // An assertion cannot be checked here, so a token cached for one would go to whoever names the
  // client: every assertion request goes to the upstream, which also sees each jti once. A bound
  // token is for the one key or certificate it was asked with.
  if (creds.by_assertion() || creds.by_certificate || bound) {
    auto answered = [respond, via_basic](UpstreamResult result) {
      ProxyAnswer answer;
      try {
        answer = answer_for(result, via_basic, Clock::now());
      } catch (const std::exception&) {
        answer = internal_error();
      }
      // RFC 9449 §8: the upstream's nonce reaches the client, which signs its next proof with it.
      if (!result.dpop_nonce.empty()) answer.response.header("DPoP-Nonce", result.dpop_nonce);
      respond(std::move(answer.response));
    };
    try {
      upstream_.send(loop, std::move(upstream_request), std::move(answered));
    } catch (const std::exception&) {
      respond(internal_error().response);
    }
    return;
  }
  std::string key = keyer_.key(creds.id, creds.secret, scope.value_or(""), resource.value_or(""), audience.value_or(""));

  // A caller that joins another's call is answered on its own thread (answer_on), so the session
  // it holds is released there, never on the leader's.
  auto joined = http::answer_on<http::Response>(
      loop, [respond, via_basic](http::Response answer) { respond(challenge_for(std::move(answer), via_basic)); });
  auto lookup = cache_.lookup(key, now, std::move(joined));
  if (lookup.kind == TokenCache::Lookup::hit) {
    count_token_cache(true);
    return respond(lookup.token->respond(now));
  }
  // A miss, whether this request calls the upstream or joins a call already going out.
  count_token_cache(false);
  if (lookup.kind == TokenCache::Lookup::joined) return;

  // This caller leads: every caller that joins is answered when its call ends, however it ends.
  auto finish = [this, key, respond, via_basic](UpstreamResult result) {
    ProxyAnswer answer;
    try {
      answer = answer_for(result, via_basic, Clock::now());
    } catch (const std::exception&) {
      answer = internal_error();
    }
    for (auto& w : cache_.finish(key, answer.cacheable)) w(answer.response);
    respond(std::move(answer.response));
  };
  try {
    upstream_.send(loop, std::move(upstream_request), finish);
  } catch (const std::exception&) {  // never leave joiners waiting on a call that never started
    for (auto& w : cache_.finish(key, nullptr)) w(internal_error().response);
    respond(internal_error().response);
  }
}

}  // namespace tokengate::proxy
