#include "issuer/trusted_issuers.hpp"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/echo.hpp"
#include "common/json_member.hpp"
#include "issuer/client_assertion.hpp"

namespace tokengate::issuer {
namespace {

using oauth::OAuthError;

OAuthError refused(std::string message) { return OAuthError::invalid_client(std::move(message), false); }

// "spiffe://example.org/ns/x" → "spiffe://example.org"; empty if `id` is no SPIFFE ID.
std::string trust_domain_of(std::string_view id) {
  if (!id.starts_with("spiffe://")) return {};
  size_t slash = id.find('/', 9);
  return std::string(id.substr(0, slash));
}

// A SPIFFE bundle (a JWKS whose keys say "use": "jwt-svid" or "x509-svid") as a JWKS of its
// JWT-SVID signing keys, for the key cache.
client::FetchFunction spiffe_bundle_reader(client::FetchFunction fetch) {
  return [fetch = std::move(fetch)](const client::FetchRequest& request) {
    client::FetchResponse response = fetch(request);
    if (response.status != 200) return response;
    boost::system::error_code ec;
    auto v = boost::json::parse(response.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("keys") || !v.as_object().at("keys").is_array()) return response;
    boost::json::array keys;
    for (const auto& k : v.as_object().at("keys").as_array()) {
      if (!k.is_object() || common::string_member(k.as_object(), "use") != "jwt-svid") continue;
      boost::json::object key = k.as_object();
      key["use"] = "sig";
      keys.push_back(std::move(key));
    }
    response.body = boost::json::serialize(boost::json::object{{"keys", std::move(keys)}});
    return response;
  };
}

std::shared_ptr<client::KeyCache> key_cache_for(const store::FederationRecord& f, const client::FetchFunction& fetch) {
  client::KeyCache::Settings s;
  s.issuer = f.issuer;
  if (f.keys != store::FederationRecord::Keys::discovery) s.jwks_url = f.keys_url;
  s.algorithms = {jose::Algorithm::ES256, jose::Algorithm::EdDSA, jose::Algorithm::RS256, jose::Algorithm::PS256};
  s.min_age = std::chrono::minutes(1);
  s.max_age = std::chrono::hours(1);
  s.unknown_kid_interval = std::chrono::seconds(10);
  s.transport.timeout = std::chrono::seconds(5);
  s.transport.max_body = 256 * 1024;
  return std::make_shared<client::KeyCache>(
      std::move(s), f.keys == store::FederationRecord::Keys::spiffe_bundle ? spiffe_bundle_reader(fetch) : fetch);
}

// What identifies where an issuer's keys come from: a federation that changes it gets a new cache.
std::string key_source(const store::FederationRecord& f) {
  return f.issuer + '\n' + store::keys_name(f.keys) + '\n' + f.keys_url;
}

bool conditions_hold(const store::FederationRecord& rule, const boost::json::object& claims) {
  for (const auto& [path, value] : rule.conditions) {
    auto found = claim_at(claims, path);
    if (!found || *found != value) return false;
  }
  return true;
}

}  // namespace

TrustedIssuers::TrustedIssuers(client::FetchFunction fetch) : fetch_(std::move(fetch)) {}

void TrustedIssuers::update(const std::vector<store::FederationRecord>& federations) {
  auto before = table_.load();
  auto next = std::make_shared<Table>();
  std::unordered_map<std::string, std::shared_ptr<Issuer>> building;
  for (const auto& f : federations) {
    auto& issuer = building[f.issuer];
    if (!issuer) {
      issuer = std::make_shared<Issuer>();
      issuer->issuer = f.issuer;
      auto kept = before->find(f.issuer);
      // The first federation of an issuer says where its keys are; a cache is kept while that holds.
      if (kept != before->end() && !kept->second->rules.empty() && key_source(kept->second->rules.front()) == key_source(f))
        issuer->keys = kept->second->keys;
      else
        issuer->keys = key_cache_for(f, fetch_);
    }
    issuer->rules.push_back(f);
  }
  for (auto& [name, issuer] : building) next->emplace(name, std::move(issuer));
  table_.publish(std::move(next));
}

std::shared_ptr<const TrustedIssuers::Issuer> TrustedIssuers::find(std::string_view iss, std::string_view sub) const {
  const Table& table = store::read_snapshot(table_);
  if (table.empty()) return nullptr;
  if (!iss.empty()) {
    auto it = table.find(std::string(iss));
    if (it != table.end()) return it->second;
  }
  std::string domain = trust_domain_of(sub);
  if (domain.empty()) return nullptr;
  auto it = table.find(domain);
  return it == table.end() ? nullptr : it->second;
}

std::optional<std::string> claim_at(const boost::json::object& claims, std::string_view path) {
  // A member named exactly so comes first; then the nested ones, the longest name first.
  if (auto it = claims.find(path); it != claims.end()) {
    if (it->value().is_string()) return std::string(it->value().as_string());
    return boost::json::serialize(it->value());
  }
  std::vector<const boost::json::key_value_pair*> nested;  // objects whose name is a prefix of the path
  for (const auto& member : claims) {
    std::string_view key = member.key();
    if (path.size() > key.size() && path.starts_with(key) && path[key.size()] == '.' && member.value().is_object())
      nested.push_back(&member);
  }
  std::sort(nested.begin(), nested.end(), [](auto* a, auto* b) { return a->key().size() > b->key().size(); });
  for (const auto* member : nested) {
    if (auto inner = claim_at(member->value().as_object(), path.substr(member->key().size() + 1))) return inner;
  }
  return std::nullopt;
}

std::variant<FederatedClient, OAuthError> map_federated_subject(const boost::json::object& claims,
                                                                const TrustedIssuers::Issuer& issuer,
                                                                std::string_view client_id, int64_t now) {
  std::string_view iss = common::string_member(claims, "iss");
  std::string_view sub = common::string_member(claims, "sub");
  bool spiffe = issuer.issuer.starts_with("spiffe://");
  if (spiffe ? trust_domain_of(sub) != issuer.issuer : iss != issuer.issuer)
    return refused("The client_assertion's issuer is not " + issuer.issuer + ".");
  if (sub.empty()) return refused("The client_assertion has no sub naming the workload.");
  AssertionRules times;
  times.max_ahead_seconds = 86400;
  if (auto e = check_times(claims, times, now)) return std::move(*e);

  const store::FederationRecord* match = nullptr;
  bool audience_seen = false;
  for (const auto& rule : issuer.rules) {
    if (!audience_matches(claims, {rule.audience})) continue;
    audience_seen = true;
    if (rule.subject != sub || !conditions_hold(rule, claims)) continue;
    if (!client_id.empty() && rule.client_id != client_id) continue;
    if (match && match->client_id != rule.client_id)
      return refused("The workload '" + common::safe_echo(sub) +
                     "' may authenticate as more than one client; name the one with client_id.");
    match = &rule;
  }
  if (!audience_seen)
    return refused("The client_assertion's aud is not an audience a federation of " + issuer.issuer +
                   " expects; have the issuer mint the token for that audience.");
  if (!match)
    return refused("No federation of " + issuer.issuer + " maps the subject '" + common::safe_echo(sub) +
                   "' (with its claims" + std::string(client_id.empty() ? "" : " and this client_id") +
                   ") to a client; add one with tokengate federation add.");
  return FederatedClient{match->client_id, {issuer.issuer, std::string(sub)}};
}

}  // namespace tokengate::issuer
