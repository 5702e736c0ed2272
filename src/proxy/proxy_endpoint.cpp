#include "proxy/proxy_endpoint.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "http/event_loop.hpp"
#include "jose/base64url.hpp"

namespace tokengate::proxy {
namespace {

std::vector<std::unique_ptr<oauth::ClientAuthMethod>> auth_methods(bool cells) {
  std::vector<std::unique_ptr<oauth::ClientAuthMethod>> methods;
  methods.push_back(std::make_unique<oauth::ClientSecretBasic>(/*ignore_other_schemes=*/cells));
  methods.push_back(std::make_unique<oauth::ClientSecretPost>());
  if (cells) methods.push_back(std::make_unique<oauth::CellsQueryCredentials>());
  return methods;
}

std::string form_encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

void append_param(std::string& form, std::string_view name, std::optional<std::string_view> value) {
  if (!value) return;
  form += '&';
  form += name;
  form += '=';
  form += form_encode(*value);
}

}  // namespace

ProxyEndpoint::ProxyEndpoint(UpstreamClient& upstream, TokenCache& cache, const CacheKeyer& keyer, UpstreamAuth auth,
                             bool cells_compatible)
    : upstream_(upstream),
      cache_(cache),
      keyer_(keyer),
      auth_(auth),
      cells_compatible_(cells_compatible),
      authenticator_(auth_methods(cells_compatible)) {}

void ProxyEndpoint::handle(const http::Request& request, http::Respond respond) const {
  auto parsed = oauth::parse_token_request(request, cells_compatible_);
  if (auto* e = std::get_if<oauth::OAuthError>(&parsed)) return respond(e->to_response());
  const auto& token_request = std::get<oauth::TokenRequest>(parsed);

  auto grant_type = token_request.grant_type();
  if (!grant_type) return respond(oauth::OAuthError::invalid_request("The grant_type parameter is missing.").to_response());
  if (*grant_type != "client_credentials")
    return respond(oauth::OAuthError{400, "unsupported_grant_type",
                                     "The grant_type '" + std::string(*grant_type) +
                                         "' is not supported; this proxy forwards grant_type=client_credentials."}
                       .to_response());
  auto extracted = authenticator_.extract(token_request);
  if (auto* e = std::get_if<oauth::OAuthError>(&extracted)) return respond(e->to_response());
  const auto& creds = std::get<oauth::PresentedCredentials>(extracted);

  auto scope = token_request.body.get("scope");
  auto resource = token_request.body.get("resource");
  auto audience = token_request.body.get("audience");

  // The upstream request: RFC 6749 §4.4.2, our client authentication per §2.3.1. Only the grant
  // parameters are forwarded; none of the caller's headers are.
  std::string form = "grant_type=client_credentials";
  append_param(form, "scope", scope);
  append_param(form, "resource", resource);
  append_param(form, "audience", audience);
  std::string authorization;
  if (auth_ == UpstreamAuth::basic) {
    authorization = "Basic " + jose::base64_encode(form_encode(creds.id) + ":" + form_encode(creds.secret));
  } else {
    append_param(form, "client_id", creds.id);
    append_param(form, "client_secret", creds.secret);
  }

  auto now = Clock::now();
  std::string key = keyer_.key(creds.id, creds.secret, scope.value_or(""), resource.value_or(""), audience.value_or(""));
  bool via_basic = creds.via_basic;

  // A caller that joins another's call is answered on its own thread. The joiner keeps that
  // thread's event loop running (a stop waits for it), and its Respond is moved out when used, so
  // the session it holds is released on its own thread, never on the leader's.
  struct Joiner {
    boost::asio::io_context* loop;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running;
    http::Respond respond;
  };
  auto* loop = &http::current_event_loop();
  auto joiner = std::make_shared<Joiner>(Joiner{loop, boost::asio::make_work_guard(*loop), respond});
  auto waiter = [joiner, via_basic](const http::Response& answer) {
    boost::asio::post(*joiner->loop, [joiner, answer = http::Response(answer), via_basic]() mutable {
      // The WWW-Authenticate challenge depends on how this caller authenticated (RFC 6749 §5.2).
      if (answer.status == 401) {
        std::erase_if(answer.headers, [](const auto& h) { return h.first == "WWW-Authenticate"; });
        if (via_basic) answer.header("WWW-Authenticate", "Basic realm=\"tokengate\"");
      }
      http::Respond respond = std::move(joiner->respond);
      joiner->respond = nullptr;
      joiner->keep_running.reset();
      respond(std::move(answer));
    });
  };
  auto lookup = cache_.lookup(key, now, std::move(waiter));
  if (lookup.kind == TokenCache::Lookup::joined) return;
  joiner.reset();  // not needed: release the loop and the session copy here, on this thread
  if (lookup.kind == TokenCache::Lookup::hit) return respond(lookup.token->respond(now));

  upstream_.post_form(std::move(form), std::move(authorization),
                      [this, key = std::move(key), respond = std::move(respond), via_basic](UpstreamResult result) {
                        ProxyAnswer answer;
                        try {
                          answer = answer_for(result, via_basic, Clock::now());
                        } catch (const std::exception&) {  // never leave joiners waiting
                          answer = {http::json_error(502, "server_error",
                                                     "The upstream's answer could not be processed."),
                                    nullptr};
                        }
                        for (auto& w : cache_.finish(key, answer.cacheable)) w(answer.response);
                        respond(std::move(answer.response));
                      });
}

}  // namespace tokengate::proxy
