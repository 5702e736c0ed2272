#include "issuer/client_keys.hpp"

#include <boost/json/parse.hpp>

namespace tokengate::issuer {
namespace {

const std::vector<jose::Algorithm> kAssertionAlgorithms = {jose::Algorithm::ES256, jose::Algorithm::EdDSA,
                                                           jose::Algorithm::RS256, jose::Algorithm::PS256};

std::shared_ptr<const jose::PublicKeySet> parse_jwks(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return std::make_shared<const jose::PublicKeySet>();
  return std::make_shared<const jose::PublicKeySet>(jose::PublicKeySet::from_jwks(v.as_object()));
}

}  // namespace

ClientKeys::ClientKeys(client::FetchFunction fetch) : fetch_(std::move(fetch)) {}

void ClientKeys::update(const store::ClientSnapshot& clients) {
  auto before = tables_.load();
  auto next = std::make_shared<Tables>();
  clients.for_each([&](const store::ClientRecord& c) {
    if (c.auth != store::ClientRecord::Auth::private_key_jwt) return;
    if (!c.jwks.empty() && !next->by_jwks.contains(c.jwks)) {
      auto kept = before->by_jwks.find(c.jwks);
      next->by_jwks.emplace(c.jwks, kept != before->by_jwks.end() ? kept->second : parse_jwks(c.jwks));
    }
    if (!c.jwks_uri.empty() && !next->by_uri.contains(c.jwks_uri)) {
      auto kept = before->by_uri.find(c.jwks_uri);
      if (kept != before->by_uri.end()) {
        next->by_uri.emplace(c.jwks_uri, kept->second);
        return;
      }
      client::KeyCache::Settings s;
      s.jwks_url = c.jwks_uri;
      s.algorithms = kAssertionAlgorithms;
      s.min_age = std::chrono::minutes(1);
      s.max_age = std::chrono::hours(1);
      s.unknown_kid_interval = std::chrono::seconds(10);
      s.transport.timeout = std::chrono::seconds(5);
      s.transport.max_body = 256 * 1024;
      next->by_uri.emplace(c.jwks_uri, std::make_shared<client::KeyCache>(std::move(s), fetch_));
    }
  });
  tables_.publish(std::move(next));
}

ClientKeys::Found ClientKeys::find(const store::ClientRecord& client, std::string_view kid) const {
  if (client.auth != store::ClientRecord::Auth::private_key_jwt) return {};
  const Tables& tables = store::read_snapshot(tables_);
  if (!client.jwks.empty()) {
    auto it = tables.by_jwks.find(client.jwks);
    return it != tables.by_jwks.end() ? Found{it->second, nullptr, {}} : Found{};
  }
  auto it = tables.by_uri.find(client.jwks_uri);
  if (it == tables.by_uri.end()) return {};
  auto keys = it->second->usable(kid);
  if (!keys) return {nullptr, it->second, {}};
  if (!keys->set) return {nullptr, nullptr, it->second->last_error()};
  return {keys->set, nullptr, {}};
}

std::string jwks_problem(std::string_view jwks) {
  boost::system::error_code ec;
  auto v = boost::json::parse(jwks, ec);
  if (ec || !v.is_object()) return "the JWKS is not a JSON object";
  auto keys = v.as_object().find("keys");
  if (keys == v.as_object().end() || !keys->value().is_array()) return "the JWKS has no \"keys\" array (RFC 7517 §5)";
  for (const auto& k : keys->value().as_array()) {
    if (!k.is_object()) return "an entry of \"keys\" is not a JSON object";
    for (const char* private_member : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
      if (k.as_object().contains(private_member))
        return std::string("a key holds the private member \"") + private_member +
               "\": register only the public half of the client's keys";
    }
  }
  int skipped = 0;
  auto set = jose::PublicKeySet::from_jwks(v.as_object(), &skipped);
  if (set.size() == 0)
    return "the JWKS holds no key this server verifies with (EC P-256, Ed25519 or RSA of 2048 bits or more, for "
           "ES256, EdDSA, RS256 or PS256)";
  return {};
}

}  // namespace tokengate::issuer
