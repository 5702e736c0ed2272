#include "proxy/upstream_result.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tokengate::proxy {
namespace {

constexpr int64_t kMaxExpiresIn = 10LL * 365 * 24 * 3600;

http::Response unavailable(int status, std::string_view error, const std::string& message, int64_t retry_after_s) {
  http::Response r = http::json_error(status, error, message);
  if (retry_after_s > 0) r.header("Retry-After", std::to_string(retry_after_s));
  return r;
}

// Why `body` is not an RFC 6749 §5.1 token response, or empty if it is one.
std::string token_response_problem(const boost::json::value& v) {
  if (!v.is_object()) return "the body is not a JSON object";
  const auto& o = v.as_object();
  auto it = o.find("access_token");
  if (it == o.end()) return "there is no access_token";
  if (!it->value().is_string() || it->value().as_string().empty()) return "access_token is not a non-empty string";
  it = o.find("token_type");
  if (it == o.end() || !it->value().is_string()) return "token_type is missing or not a string";
  it = o.find("expires_in");
  if (it != o.end()) {
    // A non-negative integer (RFC 6749 §5.1); anything past ten years is not a lifetime but a bug.
    if (!it->value().is_int64() && !it->value().is_uint64()) return "expires_in is not an integer";
    if (!it->value().is_int64() || it->value().as_int64() < 0 || it->value().as_int64() > kMaxExpiresIn)
      return "expires_in is out of range";
  }
  for (const char* name : {"scope", "refresh_token"}) {
    it = o.find(name);
    if (it != o.end() && !it->value().is_string()) return std::string(name) + " is not a string";
  }
  return {};
}

http::Response upstream_error(const UpstreamResult& r, bool client_used_basic) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  http::Response res;
  if (!ec && v.is_object() && v.as_object().contains("error") && v.as_object().at("error").is_string()) {
    auto o = v.as_object();  // the upstream's fields, intact
    if (!o.contains("code")) o["code"] = r.status;
    if (!o.contains("message")) {
      auto d = o.find("error_description");
      o["message"] = d != o.end() && d->value().is_string()
                         ? std::string(d->value().as_string())
                         : "The upstream authorization server answered " + std::string(o.at("error").as_string()) + ".";
    }
    res.status = r.status;
    res.error = http::lasting_error_code(o.at("error").as_string());
    res.body = boost::json::serialize(o);
    res.no_store = true;
  } else {
    res = http::json_error(r.status, r.status == 401 ? "invalid_client" : "invalid_request",
                           "The upstream authorization server refused the request with HTTP " +
                               std::to_string(r.status) + ".");
  }
  if (r.status == 401 && client_used_basic) res.header("WWW-Authenticate", "Basic realm=\"tokengate\"");
  if (!r.retry_after.empty()) res.header("Retry-After", r.retry_after);  // a 429 says when to come back
  return res;
}

// Anything but a 200 from the upstream, the same for every endpoint we forward to.
http::Response failure_answer(const UpstreamResult& r, bool client_used_basic) {
  using O = UpstreamResult::Outcome;
  switch (r.outcome) {
    case O::circuit_open:
      return unavailable(503, "temporarily_unavailable",
                         "The upstream authorization server is failing; calls to it are paused. Retry later.",
                         std::max<int64_t>(1, (r.wait.count() + 999) / 1000));
    case O::unreachable:
      return unavailable(503, "temporarily_unavailable",
                         "The upstream authorization server cannot be reached (" + r.detail + "). Retry later.", 1);
    case O::timeout:
      return http::json_error(504, "temporarily_unavailable", "The upstream authorization server did not answer in time.");
    case O::broken:
      return http::json_error(502, "server_error",
                              "The upstream authorization server sent a broken answer (" + r.detail + ").");
    case O::tls_failed:
      return http::json_error(502, "server_error",
                              "The TLS connection to the upstream authorization server failed (" + r.detail + ").");
    case O::response: break;
  }
  if (r.status >= 400 && r.status < 500) return upstream_error(r, client_used_basic);
  if (r.status == 503) {
    int64_t after = 1;
    try {
      if (!r.retry_after.empty()) after = std::max<int64_t>(1, std::stoll(r.retry_after));
    } catch (const std::exception&) {  // an HTTP-date or garbage: keep the default
    }
    return unavailable(503, "temporarily_unavailable",
                       "The upstream authorization server is temporarily unavailable (HTTP 503). Retry later.", after);
  }
  return http::json_error(502, "server_error",
                          "The upstream authorization server failed with HTTP " + std::to_string(r.status) + ".");
}

bool is_ok(const UpstreamResult& r) { return r.outcome == UpstreamResult::Outcome::response && r.status == 200; }

// A 5xx that the upstream caused (not our own lack of a connection slot), for the metrics.
http::Response blamed(http::Response res, const UpstreamResult& r) {
  res.upstream_failure = res.status >= 500 && !r.local;
  return res;
}

}  // namespace

bool is_retryable(const UpstreamResult& r) {
  if (r.outcome == UpstreamResult::Outcome::unreachable) return true;
  return r.outcome == UpstreamResult::Outcome::response && (r.status == 502 || r.status == 503 || r.status == 504);
}

bool is_upstream_failure(const UpstreamResult& r) {
  switch (r.outcome) {
    case UpstreamResult::Outcome::response: return r.status >= 500;
    case UpstreamResult::Outcome::circuit_open: return false;
    default: return true;
  }
}


ProxyAnswer answer_for(const UpstreamResult& r, bool client_used_basic, Clock::time_point now) {
  if (!is_ok(r)) return {blamed(failure_answer(r, client_used_basic), r), nullptr};
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  std::string problem = ec ? "the body is not JSON" : token_response_problem(v);
  if (!problem.empty())
    return {blamed(http::json_error(502, "server_error",
                                    "The upstream authorization server answered 200 with an invalid token response: " +
                                        problem + "."),
                   r),
            nullptr};
  http::Response ok;
  ok.body = r.body;  // intact
  ok.no_store = true;
  std::shared_ptr<const CachedToken> cacheable;
  const auto& o = v.as_object();
  if (auto it = o.find("expires_in"); it != o.end()) cacheable = CachedToken::make(o, it->value().as_int64(), now);
  return {std::move(ok), std::move(cacheable)};
}

http::Response introspection_answer(const UpstreamResult& r, bool client_used_basic) {
  if (!is_ok(r)) return blamed(failure_answer(r, client_used_basic), r);
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("active") || !v.as_object().at("active").is_bool())
    return blamed(http::json_error(502, "server_error",
                                   "The upstream authorization server answered 200 with an invalid introspection "
                                   "response (RFC 7662 §2.2: a JSON object with a boolean active)."),
                  r);
  http::Response ok;
  ok.body = r.body;  // intact
  ok.no_store = true;
  return ok;
}

http::Response revocation_answer(const UpstreamResult& r, bool client_used_basic) {
  if (!is_ok(r)) return blamed(failure_answer(r, client_used_basic), r);
  http::Response ok;  // RFC 7009 §2.2: the body means nothing
  ok.content_type = {};
  ok.no_store = true;
  return ok;
}

}  // namespace tokengate::proxy
