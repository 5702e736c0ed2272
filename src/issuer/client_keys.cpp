#include "issuer/client_keys.hpp"

#include <algorithm>

#include <openssl/evp.h>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "jose/jwk.hpp"
#include "jose/x509_certificate.hpp"

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
    if (c.auth != store::ClientRecord::Auth::private_key_jwt &&
        c.auth != store::ClientRecord::Auth::self_signed_tls_client_auth)
      return;
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
  if (client.auth != store::ClientRecord::Auth::private_key_jwt &&
      client.auth != store::ClientRecord::Auth::self_signed_tls_client_auth)
    return {};
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

namespace {

// "127.0.0.1:8080/x", "[::1]/x", "localhost/x": the URL's authority names this machine.
bool loopback_authority(std::string_view rest) {
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return false;  // userinfo: not ours to read
  std::string_view host = authority.starts_with('[') ? authority.substr(0, authority.find(']') + 1)
                                                      : authority.substr(0, authority.find(':'));
  if (host == "localhost" || host == "[::1]") return true;
  // 127.0.0.0/8, as four decimal octets and nothing else.
  int octets = 0;
  size_t at = 0;
  while (at <= host.size()) {
    size_t dot = host.find('.', at);
    std::string_view part = host.substr(at, dot == std::string_view::npos ? std::string_view::npos : dot - at);
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(part)) > 255)
      return false;
    if (octets == 0 && part != "127") return false;
    ++octets;
    if (dot == std::string_view::npos) break;
    at = dot + 1;
  }
  return octets == 4;
}

}  // namespace

std::string keys_url_problem(const std::string& url) {
  bool https = url.starts_with("https://");
  bool http = url.starts_with("http://");
  if ((!https && !http) || url.size() > 2048 ||
      std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7F; }))
    return "must be an https URL without spaces, got '" + url + "'";
  if (http && !loopback_authority(std::string_view(url).substr(7)))
    return "must be https (plain http only to a loopback address), got '" + url + "'";
  return {};
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

std::string jwks_of_certificate(std::string_view pem, std::string& error) {
  auto cert = jose::certificate_from_pem(pem);
  if (!cert) {
    error = "not a PEM certificate";
    return {};
  }
  jose::Algorithm alg;
  switch (EVP_PKEY_get_base_id(cert->public_key.get())) {
    case EVP_PKEY_EC: alg = jose::Algorithm::ES256; break;
    case EVP_PKEY_ED25519: alg = jose::Algorithm::EdDSA; break;
    case EVP_PKEY_RSA: alg = jose::Algorithm::RS256; break;
    default:
      error = "its key is neither EC P-256, Ed25519 nor RSA";
      return {};
  }
  boost::json::object jwk;
  try {
    jwk = jose::public_key_members(cert->public_key.get(), alg);
  } catch (const std::exception& e) {
    error = std::string("its key cannot be used: ") + e.what();
    return {};
  }
  jwk["x5t#S256"] = cert->thumbprint;
  std::string jwks = boost::json::serialize(boost::json::object{{"keys", boost::json::array{jwk}}});
  if (std::string problem = jwks_problem(jwks); !problem.empty()) {
    error = problem;
    return {};
  }
  return jwks;
}

}  // namespace tokengate::issuer
