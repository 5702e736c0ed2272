#include "admin/admin_json.hpp"

#include <algorithm>
#include <ctime>

#include <boost/json/parse.hpp>

#include "common/echo.hpp"
#include "common/scope_list.hpp"
#include "jose/algorithm.hpp"

namespace tokengate::admin {

boost::json::object client_json(const store::ClientRecord& c) {
  boost::json::object o{{"client_id", c.id},
                        {"name", c.name},
                        {"enabled", c.enabled},
                        {"scope", common::join_scopes(c.scopes)},
                        {"audience", c.audience},
                        {"token_ttl", c.token_ttl},
                        {"created_at", c.created_at},
                        {"updated_at", c.updated_at},
                        {"token_endpoint_auth_method", c.auth == store::ClientRecord::Auth::secret
                                                           ? "client_secret_basic"
                                                           : store::auth_name(c.auth)}};
  // RFC 8705 §2.1.2, §3.4 and RFC 9449 §5.2 client metadata.
  if (c.tls_name.kind != store::ClientRecord::TlsNameKind::none) o[store::tls_name_member(c.tls_name.kind)] = c.tls_name.value;
  o["tls_client_certificate_bound_access_tokens"] = c.certificate_bound || c.authenticates_by_certificate();
  o["dpop_bound_access_tokens"] = c.require_dpop;
  o["quota"] = c.quota.set() ? boost::json::value(limits::quota_text(c.quota)) : boost::json::value(nullptr);
  if (!c.jwks_uri.empty()) o["jwks_uri"] = c.jwks_uri;
  if (!c.jwks.empty()) {
    boost::system::error_code ec;
    auto jwks = boost::json::parse(c.jwks, ec);
    if (!ec) o["jwks"] = std::move(jwks);
  }
  // A rotation's grace period still running: the old secret works until then (never the secret).
  if (c.previous_secret_until > static_cast<int64_t>(std::time(nullptr))) {
    o["old_secret_until"] = c.previous_secret_until;
    o["old_secret_until_time"] = rfc3339(c.previous_secret_until);
  }
  return o;
}

boost::json::value quota_use_json(const store::ClientRecord& c, store::Store& store, int64_t now) {
  if (!c.quota.set()) return nullptr;
  auto window = limits::quota_window(c.quota.period, now);
  auto use = store.quota_use(c.id, window.start, now);
  return boost::json::object{{"quota", limits::quota_text(c.quota)},
                             {"limit", c.quota.limit},
                             {"period_start", rfc3339(window.start)},
                             {"resets_at", rfc3339(window.end)},
                             {"used", use.used},
                             {"remaining", std::max<int64_t>(0, c.quota.limit - use.used)},
                             {"exhausted", use.used >= c.quota.limit}};
}

const char* key_status(const store::KeyRecord& k, int64_t now) {
  if (k.withdrawn_at) return "withdrawn";
  // Retired before it ever signed (a later rotation with --now overtook it): it never will.
  if (k.retired_at && *k.retired_at <= k.activates_at) return "retired";
  if (k.activates_at > now) return "pending";
  if (k.retired_at && *k.retired_at <= now) return "retired";
  return "active";
}

boost::json::object key_json(const store::KeyRecord& k, int64_t now) {
  boost::json::object o{{"kid", k.kid},
                        {"alg", jose::to_string(k.alg)},
                        {"created_at", k.created_at},
                        {"activates_at", k.activates_at},
                        {"status", key_status(k, now)}};
  if (k.retired_at) o["retired_at"] = *k.retired_at;
  if (k.withdrawn_at) o["withdrawn_at"] = *k.withdrawn_at;
  return o;
}

boost::json::object audit_json(const store::AuditRecord& e) {
  // Valid UTF-8 whatever an older version stored (a client ID as sent): the answer must be JSON.
  using common::valid_utf8;
  boost::json::object o{{"id", e.id},
                        {"at", e.at},
                        {"time", rfc3339(e.at)},
                        {"actor", valid_utf8(e.actor)},
                        {"action", valid_utf8(e.action)},
                        {"target", valid_utf8(e.target)},
                        {"address", valid_utf8(e.address)}};
  boost::system::error_code ec;
  auto detail = boost::json::parse(e.detail, ec);
  o["detail"] = !ec && detail.is_object() ? detail : boost::json::object{};
  return o;
}

}  // namespace tokengate::admin
