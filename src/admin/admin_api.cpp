#include "admin/admin_api.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "common/json_member.hpp"
#include "admin/admin_json.hpp"
#include "audit/actor.hpp"
#include "audit/since.hpp"
#include "common/ascii.hpp"
#include "common/echo.hpp"
#include "common/scope_list.hpp"
#include "issuer/client_registry.hpp"
#include "issuer/key_rotation.hpp"
#include "oauth/form.hpp"

namespace tokengate::admin {
namespace {

constexpr std::string_view kClients = "/admin/v1/clients/";
constexpr std::string_view kKeys = "/admin/v1/keys/";

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

// A request the API refuses: answered with the JSON error body every route uses.
struct Refusal {
  int status;
  const char* error;
  std::string message;
};

http::Response json(int status, const boost::json::value& body) {
  http::Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  r.no_store = true;  // secrets (a new client's) and the store's contents: never cached
  return r;
}

http::Response refuse(const Refusal& r) { return http::json_error(r.status, r.error, r.message); }

Refusal no_such_client(const std::string& id) { return {404, "not_found", "There is no client with ID '" + common::safe_echo(id) + "'."}; }

// The request body as a JSON object: empty is {}; anything else must be application/json.
boost::json::object body_object(const http::Request& request) {
  if (request.body.empty()) return {};
  std::string_view type = request.content_type.substr(0, request.content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (!common::iequals(type, "application/json"))
    throw Refusal{415, "invalid_request", "Send the body as application/json."};
  boost::system::error_code ec;
  auto v = boost::json::parse(request.body, ec);
  if (ec) throw Refusal{400, "invalid_request", "The body is not valid JSON: " + ec.message() + "."};
  if (!v.is_object()) throw Refusal{400, "invalid_request", "The body must be a JSON object."};
  return std::move(v.as_object());
}

// Refuses members other than `known`: a misspelt field must not be silently ignored.
void only(const boost::json::object& body, std::initializer_list<std::string_view> known) {
  for (const auto& member : body) {
    if (std::find(known.begin(), known.end(), member.key()) == known.end())
      throw Refusal{400, "invalid_request", "Unknown field '" + common::safe_echo(member.key()) + "'."};
  }
}

std::optional<std::string> string_field(const boost::json::object& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (!it->value().is_string()) throw Refusal{400, "invalid_request", std::string(name) + " must be a string."};
  return std::string(it->value().as_string());
}

std::optional<int64_t> integer_field(const boost::json::object& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (!it->value().is_int64() && !it->value().is_uint64())
    throw Refusal{400, "invalid_request", std::string(name) + " must be an integer."};
  if (it->value().is_uint64() && it->value().as_uint64() > INT64_MAX)
    throw Refusal{400, "invalid_request", std::string(name) + " is too large."};
  return it->value().is_int64() ? it->value().as_int64() : static_cast<int64_t>(it->value().as_uint64());
}

std::optional<bool> boolean_field(const boost::json::object& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (!it->value().is_bool()) throw Refusal{400, "invalid_request", std::string(name) + " must be true or false."};
  return it->value().as_bool();
}

// A token quota: "1000/day" (N/min, N/h, N/day, N/month), or null or "none" for none.
std::optional<limits::Quota> quota_field(const boost::json::object& body) {
  auto it = body.find("quota");
  if (it == body.end()) return std::nullopt;
  if (it->value().is_null()) return limits::Quota{};
  std::optional<limits::Quota> quota;
  if (it->value().is_string()) quota = limits::parse_quota(std::string_view(it->value().as_string()));
  if (!quota)
    throw Refusal{400, "invalid_request",
                  "quota must be \"N/min\", \"N/h\", \"N/day\" or \"N/month\" (N from 1), or null for none."};
  return quota;
}

// A JWKS given as a JSON object (RFC 7591 §2 `jwks`), as its text.
std::optional<std::string> jwks_field(const boost::json::object& body) {
  auto it = body.find("jwks");
  if (it == body.end()) return std::nullopt;
  if (!it->value().is_object()) throw Refusal{400, "invalid_request", "jwks must be a JWKS: a JSON object with \"keys\"."};
  return boost::json::serialize(it->value());
}

// The one RFC 8705 §2.1.2 name a tls_client_auth client's certificate carries; at most one given.
std::optional<store::ClientRecord::TlsName> tls_name_field(const boost::json::object& body) {
  std::optional<store::ClientRecord::TlsName> found;
  for (const auto& [key, value] : body) {
    auto kind = store::parse_tls_name_member(key);
    if (!kind) continue;
    if (found) throw Refusal{400, "invalid_request", "Give one tls_client_auth_* name, not several (RFC 8705 §2.1.2)."};
    if (!value.is_string()) throw Refusal{400, "invalid_request", std::string(key) + " must be a string."};
    found = store::ClientRecord::TlsName{*kind, std::string(value.as_string())};
  }
  return found;
}

oauth::FormParams query(const http::Request& request) {
  std::string error;
  auto params = oauth::FormParams::parse(request.query, error);
  if (!params) throw Refusal{400, "invalid_request", "The query string is malformed: " + error};
  return std::move(*params);
}

int64_t query_integer(const oauth::FormParams& q, std::string_view name, int64_t fallback, int64_t lo, int64_t hi) {
  auto text = q.get(name);
  if (!text) return fallback;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < lo || v > hi)
    throw Refusal{400, "invalid_request",
                  std::string(name) + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + "."};
  return v;
}

// A path segment that can be a client ID or kid (base64url, UUID): anything else names nothing.
bool plausible_id(std::string_view s) {
  if (s.empty() || s.size() > 200) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// RFC 9110 §15.5.6: a 405 says which methods the resource has, in Allow.
struct MethodNotAllowed {
  std::string allow;
};

bool contains_scope(const boost::json::object& claims, std::string_view wanted) {
  auto it = claims.find("scope");
  if (it == claims.end() || !it->value().is_string()) return false;
  for (const auto& s : common::split_scopes(std::string(it->value().as_string()))) {
    if (s == wanted) return true;
  }
  return false;
}

std::string claim(const boost::json::object& claims, std::string_view name) {
  return std::string(common::string_member(claims, name));
}

}  // namespace

struct AdminApi::Call {
  const http::Request& request;
  audit::Actor actor;
};

AdminApi::AdminApi(store::Store& store, const oauth::AccessTokenVerifier& verifier, AdminSettings settings,
                   std::function<void()> changed, audit::TrailWriter* trail)
    : store_(store), verifier_(verifier), settings_(settings), changed_(std::move(changed)), trail_(trail) {}

void AdminApi::authorized(const http::Request& request, http::Respond respond,
                          std::function<http::Response(const Call&)> handler) const {
  if (trail_) {
    // A refused call goes to the audit trail (batched, off this thread): who tried the admin API
    // with a bad token, or with a good one that lacks the scope.
    respond = [trail = trail_, address = std::string(request.client_address), respond = std::move(respond)](http::Response r) {
      if (r.status == 401) trail->failed(audit::TrailWriter::Failure::admin_token, {}, address);
      respond(std::move(r));
    };
  }
  // A DPoP proof names this listener's URL, not the issuer's: the Host header, which the
  // listener's guard allows for IP addresses, localhost and --admin-hosts only.
  std::string base = (settings_.https ? "https://" : "http://") + std::string(request.host);
  oauth::with_valid_token(
      verifier_, request, std::move(respond), base,
      [this, &request, handler = std::move(handler)](const boost::json::object& claims, http::Respond respond) {
        if (!contains_scope(claims, kAdminScope)) {
          if (trail_) trail_->failed(audit::TrailWriter::Failure::admin_scope, claim(claims, "client_id"), request.client_address);
          // RFC 6750 §3.1: a valid token without the scope the resource needs.
          http::Response r = http::json_error(403, "insufficient_scope",
                                              std::string("This token lacks the scope ") + kAdminScope +
                                                  ": get one for a client allowed it (tokengate client create "
                                                  "--scope tokengate:admin).");
          r.header("WWW-Authenticate", std::string("Bearer realm=\"tokengate\", error=\"insufficient_scope\", scope=\"") +
                                           kAdminScope + "\"");
          return respond(std::move(r));
        }
        std::string who = claim(claims, "client_id");
        if (who.empty()) who = claim(claims, "sub");
        Call call{request, {"admin:" + who, std::string(request.client_address)}};
        try {
          respond(handler(call));
        } catch (const Refusal& r) {
          respond(refuse(r));
        } catch (const MethodNotAllowed& m) {
          http::Response r = http::json_error(405, "method_not_allowed", "Use " + m.allow + " on this resource.");
          r.header("Allow", m.allow);
          respond(std::move(r));
        } catch (const issuer::InvalidClientInput& e) {
          respond(http::json_error(400, "invalid_request", std::string(e.what()) + "."));
        } catch (const store::StoreError& e) {
          spdlog::error("admin API: the store failed: {}", e.what());
          respond(http::json_error(503, "temporarily_unavailable", "The store cannot be reached; retry shortly."));
        }
      });
}

void AdminApi::after_write() const {
  try {
    changed_();
  } catch (const std::exception& e) {  // written; this node picks it up at its next poll
    spdlog::warn("admin API: change written, but this node did not reload at once: {}", e.what());
  }
}

void AdminApi::add_to(http::Router& router) const {
  router.add_async("GET", "/admin/v1/clients", [this](const http::Request& r, http::Respond respond) {
    authorized(r, std::move(respond), [this](const Call& c) { return clients(c); });
  });
  router.add_async("POST", "/admin/v1/clients", [this](const http::Request& r, http::Respond respond) {
    authorized(r, std::move(respond), [this](const Call& c) { return create_client(c); });
  });
  router.add_prefix(std::string(kClients), [this](const http::Request& r, http::Respond respond) {
    std::string_view rest = r.path.substr(kClients.size());
    size_t slash = rest.find('/');
    std::string id(rest.substr(0, slash));
    std::string_view action = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (slash != std::string_view::npos && action.empty()) action = "/";  // a trailing slash names nothing
    authorized(r, std::move(respond), [this, id, action](const Call& c) { return client(c, id, action); });
  });
  router.add_async("GET", "/admin/v1/keys", [this](const http::Request& r, http::Respond respond) {
    authorized(r, std::move(respond), [this](const Call& c) { return keys(c); });
  });
  router.add_prefix(std::string(kKeys), [this](const http::Request& r, http::Respond respond) {
    std::string_view rest = r.path.substr(kKeys.size());
    size_t slash = rest.find('/');
    std::string kid(rest.substr(0, slash));
    std::string_view action = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (slash != std::string_view::npos && action.empty()) action = "/";
    authorized(r, std::move(respond), [this, kid, action](const Call& c) { return key(c, kid, action); });
  });
  router.add_async("GET", "/admin/v1/audit", [this](const http::Request& r, http::Respond respond) {
    authorized(r, std::move(respond), [this](const Call& c) { return audit(c); });
  });
}

http::Response AdminApi::clients(const Call& call) const {
  auto q = query(call.request);
  int64_t limit = query_integer(q, "limit", 100, 1, 1000);
  std::string after(q.get("after").value_or(""));
  std::string search = common::to_lower(std::string(q.get("q").value_or("")));
  auto all = store_.list_clients();  // ordered by creation, then ID
  std::vector<const store::ClientRecord*> matching;
  for (const auto& c : all) {
    if (search.empty() || common::to_lower(c.id).find(search) != std::string::npos ||
        common::to_lower(c.name).find(search) != std::string::npos)
      matching.push_back(&c);
  }
  size_t start = 0;
  if (!after.empty()) {
    auto it = std::find_if(matching.begin(), matching.end(), [&](const auto* c) { return c->id == after; });
    if (it == matching.end()) throw Refusal{400, "invalid_request", "after names no client in this listing."};
    start = static_cast<size_t>(it - matching.begin()) + 1;
  }
  boost::json::array page;
  size_t end = std::min(matching.size(), start + static_cast<size_t>(limit));
  for (size_t i = start; i < end; ++i) page.push_back(client_json(*matching[i]));
  boost::json::object out{{"clients", std::move(page)}, {"total", matching.size()}};
  out["next"] = end < matching.size() ? boost::json::value(matching[end - 1]->id) : boost::json::value(nullptr);
  return json(200, out);
}

http::Response AdminApi::create_client(const Call& call) const {
  auto body = body_object(call.request);
  only(body, {"name", "scope", "audience", "token_ttl", "token_endpoint_auth_method", "jwks", "jwks_uri",
              "tls_client_auth_subject_dn", "tls_client_auth_san_dns", "tls_client_auth_san_uri",
              "tls_client_auth_san_ip", "tls_client_auth_san_email", "tls_client_certificate_bound_access_tokens",
              "dpop_bound_access_tokens", "quota"});
  issuer::ClientSpec spec;
  // RFC 7591 §2's names: client_secret_basic and client_secret_post are the same client here.
  std::string method = string_field(body, "token_endpoint_auth_method").value_or("client_secret_basic");
  if (method != "client_secret_basic" && method != "client_secret_post") {
    auto auth = store::parse_auth(method);
    if (!auth)
      throw Refusal{400, "invalid_request",
                    "token_endpoint_auth_method must be client_secret_basic, client_secret_post, private_key_jwt, "
                    "tls_client_auth or self_signed_tls_client_auth."};
    spec.auth = *auth;
  }
  if (auto name = tls_name_field(body)) spec.tls_name = *name;
  spec.certificate_bound = boolean_field(body, "tls_client_certificate_bound_access_tokens").value_or(true);
  spec.require_dpop = boolean_field(body, "dpop_bound_access_tokens").value_or(false);
  spec.quota = quota_field(body).value_or(limits::Quota{});
  spec.jwks = jwks_field(body).value_or("");
  spec.jwks_uri = string_field(body, "jwks_uri").value_or("");
  auto name = string_field(body, "name");
  if (!name) throw Refusal{400, "invalid_request", "name is required."};
  spec.name = *name;
  spec.scope = string_field(body, "scope").value_or("");
  spec.audience = string_field(body, "audience").value_or("");
  spec.token_ttl = integer_field(body, "token_ttl").value_or(0);
  auto created = issuer::create_client(store_, spec, call.actor);
  after_write();
  auto out = client_json(created.record);
  if (!created.secret.empty()) out["client_secret"] = created.secret;  // shown here only: the store keeps its digest
  http::Response r = json(201, out);
  r.header("Location", std::string(kClients) + created.record.id);
  return r;
}

// HEAD is answered as GET (the session sends the head only), as the router does for its own paths.
std::string_view method_of(const http::Request& request) {
  return request.method == "HEAD" ? std::string_view("GET") : request.method;
}

http::Response AdminApi::client(const Call& call, const std::string& id, std::string_view action) const {
  const std::string_view method = method_of(call.request);
  if (!plausible_id(id)) throw no_such_client(id);
  if (action.empty()) {
    if (method == "GET") {
      auto c = store_.find_client(id);
      if (!c) throw no_such_client(id);
      auto out = client_json(*c);
      out["quota_use"] = quota_use_json(*c, store_, static_cast<int64_t>(std::time(nullptr)));
      return json(200, out);
    }
    if (method == "PATCH") {
      auto body = body_object(call.request);
      only(body, {"name", "scope", "audience", "token_ttl", "enabled", "jwks", "jwks_uri", "tls_client_auth_subject_dn",
                  "tls_client_auth_san_dns", "tls_client_auth_san_uri", "tls_client_auth_san_ip",
                  "tls_client_auth_san_email", "tls_client_certificate_bound_access_tokens",
                  "dpop_bound_access_tokens", "quota"});
      issuer::ClientUpdate update{string_field(body, "name"), string_field(body, "scope"),
                                  string_field(body, "audience"), integer_field(body, "token_ttl"),
                                  boolean_field(body, "enabled"), jwks_field(body), string_field(body, "jwks_uri"),
                                  tls_name_field(body),
                                  boolean_field(body, "tls_client_certificate_bound_access_tokens"),
                                  boolean_field(body, "dpop_bound_access_tokens"), quota_field(body)};
      auto c = issuer::update_client(store_, id, update, call.actor);  // one write, one audit entry
      if (!c) throw no_such_client(id);
      after_write();
      return json(200, client_json(*c));
    }
    if (method == "DELETE") {
      if (!issuer::delete_client(store_, id, call.actor)) throw no_such_client(id);
      after_write();
      http::Response r;
      r.status = 204;
      r.content_type = {};
      return r;
    }
    throw MethodNotAllowed{"GET, HEAD, PATCH, DELETE"};
  }
  if (action != "disable" && action != "enable" && action != "rotate-secret" && action != "revoke-tokens")
    throw Refusal{404, "not_found", "There is no such client action: use disable, enable, rotate-secret or revoke-tokens."};
  if (method != "POST") throw MethodNotAllowed{"POST"};
  auto body = body_object(call.request);
  if (action == "rotate-secret") {
    only(body, {"revoke_tokens", "grace_seconds"});
    bool revoke = boolean_field(body, "revoke_tokens").value_or(false);
    int64_t grace = integer_field(body, "grace_seconds").value_or(0);
    auto rotated = issuer::rotate_client_secret(store_, id, revoke, call.actor, grace);
    if (!rotated) throw no_such_client(id);
    after_write();
    boost::json::object out{{"client_id", id}, {"client_secret", rotated->secret}, {"tokens_revoked", revoke}};
    if (rotated->old_secret_until > 0) {
      out["old_secret_until"] = rotated->old_secret_until;
      out["old_secret_until_time"] = rfc3339(rotated->old_secret_until);
    }
    return json(200, out);
  }
  only(body, {});
  bool found = action == "revoke-tokens" ? issuer::revoke_client_tokens(store_, id, call.actor)
                                         : issuer::set_client_enabled(store_, id, action == "enable", call.actor);
  if (!found) throw no_such_client(id);
  after_write();
  auto c = store_.find_client(id);
  if (!c) throw no_such_client(id);
  return json(200, client_json(*c));
}

http::Response AdminApi::keys(const Call&) const {
  int64_t now = unix_now();
  boost::json::array out;
  for (const auto& k : store_.list_keys()) out.push_back(key_json(k, now));
  return json(200, boost::json::object{{"keys", std::move(out)}});
}

http::Response AdminApi::key(const Call& call, const std::string& kid, std::string_view action) const {
  const std::string_view method = method_of(call.request);
  if (kid == "rotate" && action.empty()) {
    if (method != "POST") throw MethodNotAllowed{"POST"};
    auto body = body_object(call.request);
    only(body, {"now", "alg"});
    bool now = boolean_field(body, "now").value_or(false);
    jose::Algorithm alg = settings_.signing_alg;
    if (auto name = string_field(body, "alg")) {
      auto parsed = jose::parse_algorithm(*name);
      if (!parsed) throw Refusal{400, "invalid_request", "alg must be ES256, EdDSA, RS256 or PS256."};
      alg = *parsed;
    }
    auto record = issuer::rotate_signing_key(store_, alg, now ? 0 : settings_.key_publish_delay, settings_.kek, call.actor);
    after_write();
    return json(201, key_json(record, unix_now()));
  }
  if (!plausible_id(kid) || action != "retire")
    throw Refusal{404, "not_found", "There is no such key resource: use /admin/v1/keys/rotate or /admin/v1/keys/{kid}/retire."};
  if (method != "POST") throw MethodNotAllowed{"POST"};
  auto body = body_object(call.request);
  only(body, {});
  auto w = issuer::withdraw_signing_key(store_, kid, settings_.signing_alg, settings_.kek, call.actor);
  if (!w.found) throw Refusal{404, "not_found", "There is no key with kid '" + common::safe_echo(kid) + "'."};
  after_write();
  boost::json::object out{{"withdrawn", kid}};
  out["replacement"] = w.replacement ? boost::json::value(w.replacement->kid) : boost::json::value(nullptr);
  return json(200, out);
}

http::Response AdminApi::audit(const Call& call) const {
  auto q = query(call.request);
  store::AuditQuery query;
  query.target = std::string(q.get("client").value_or(""));
  const int limit = static_cast<int>(query_integer(q, "limit", 100, 1, 1000));
  query.limit = limit + 1;  // one more: whether there is a next page
  query.before_id = query_integer(q, "before", 0, 1, INT64_MAX);
  if (auto since = q.get("since")) {
    auto t = audit::parse_since(*since, unix_now());
    if (!t)
      throw Refusal{400, "invalid_request",
                    "since must be Unix seconds, a date (2026-11-25), a UTC time (2026-11-25T13:00:00Z) or an age "
                    "(30m, 24h, 7d)."};
    query.since = *t;
  }
  auto entries = store_.list_audit(query);
  bool more = static_cast<int>(entries.size()) > limit;
  if (more) entries.pop_back();
  boost::json::array out;
  for (const auto& e : entries) out.push_back(audit_json(e));
  boost::json::object body{{"events", std::move(out)}};
  body["next_before"] = more ? boost::json::value(entries.back().id) : boost::json::value(nullptr);
  return json(200, body);
}

}  // namespace tokengate::admin
