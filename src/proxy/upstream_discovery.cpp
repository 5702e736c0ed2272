#include "proxy/upstream_discovery.hpp"

#include <stdexcept>

#include <boost/json/parse.hpp>

#include "proxy/upstream_client.hpp"

namespace tokengate::proxy {
namespace {

constexpr const char* kMetadataPaths[] = {"/.well-known/oauth-authorization-server",
                                          "/.well-known/openid-configuration"};

DiscoveryResult failure(std::string error) {
  DiscoveryResult r;
  r.error = std::move(error);
  return r;
}

std::string string_member(const boost::json::object& o, const char* name) {
  auto it = o.find(name);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

// An endpoint the metadata names, if it is a URL we can call.
std::string endpoint(const boost::json::object& metadata, const char* name) {
  std::string url = string_member(metadata, name);
  try {
    check_upstream_url(name, url);
    return url;
  } catch (const std::invalid_argument&) {
    return {};
  }
}

}  // namespace

UpstreamDiscovery::UpstreamDiscovery(UpstreamTransport& transport, UpstreamLocation where)
    : transport_(transport), where_(std::move(where)) {
  while (!where_.metadata_base.empty() && where_.metadata_base.back() == '/') where_.metadata_base.pop_back();
}

void UpstreamDiscovery::fetch(boost::asio::io_context& loop, std::function<void(DiscoveryResult)> done) const {
  if (!where_.jwks_url.empty()) {
    DiscoveryResult found;
    found.issuer = where_.issuer;
    return fetch_jwks(loop, where_.jwks_url, std::move(found), std::move(done));
  }
  discover(loop, 0, std::move(done));
}

// RFC 8414 §3 first, then OpenID Connect Discovery 1.0 §4.
void UpstreamDiscovery::discover(boost::asio::io_context& loop, size_t which,
                                 std::function<void(DiscoveryResult)> done) const {
  std::string url = where_.metadata_base + kMetadataPaths[which];
  transport_.send(loop, {UpstreamRequest::Method::get, url, {}, {}},
                  [this, &loop, which, url, done = std::move(done)](UpstreamResult r) mutable {
                    boost::system::error_code ec;
                    boost::json::value v;
                    if (r.outcome == UpstreamResult::Outcome::response && r.status == 200)
                      v = boost::json::parse(r.body, ec);
                    std::string jwks_uri = !ec && v.is_object() ? string_member(v.as_object(), "jwks_uri") : "";
                    if (jwks_uri.empty()) {
                      if (which + 1 < std::size(kMetadataPaths)) return discover(loop, which + 1, std::move(done));
                      return done(failure("no usable metadata (jwks_uri) at " + where_.metadata_base +
                                          kMetadataPaths[0] + " or " + kMetadataPaths[1]));
                    }
                    try {  // it comes from the upstream: a relative or non-http(s) one is refused here
                      check_upstream_url("jwks_uri", jwks_uri);
                    } catch (const std::invalid_argument& e) {
                      return done(failure("the metadata at " + url + " has an unusable jwks_uri: " + e.what()));
                    }
                    std::string issuer = string_member(v.as_object(), "issuer");
                    if (!where_.issuer.empty() && !issuer.empty() && issuer != where_.issuer)
                      return done(failure("the metadata at " + url + " names issuer " + issuer + ", not " +
                                          where_.issuer));
                    DiscoveryResult found;
                    found.issuer = where_.issuer.empty() ? issuer : where_.issuer;
                    found.introspection_endpoint = endpoint(v.as_object(), "introspection_endpoint");
                    found.revocation_endpoint = endpoint(v.as_object(), "revocation_endpoint");
                    fetch_jwks(loop, std::move(jwks_uri), std::move(found), std::move(done));
                  });
}

void UpstreamDiscovery::fetch_jwks(boost::asio::io_context& loop, std::string url, DiscoveryResult found,
                                   std::function<void(DiscoveryResult)> done) const {
  transport_.send(loop, {UpstreamRequest::Method::get, url, {}, {}},
                  [url, found = std::move(found), done = std::move(done)](UpstreamResult r) mutable {
                    if (r.outcome != UpstreamResult::Outcome::response || r.status != 200)
                      return done(failure("cannot fetch " + url + " (" +
                                          (r.status ? "HTTP " + std::to_string(r.status) : r.detail) + ")"));
                    boost::system::error_code ec;
                    auto v = boost::json::parse(r.body, ec);
                    if (ec || !v.is_object()) return done(failure(url + " is not a JSON object"));
                    auto keys = std::make_shared<const jose::PublicKeySet>(jose::PublicKeySet::from_jwks(v.as_object()));
                    if (keys->size() == 0) return done(failure(url + " holds no usable signing key"));
                    found.keys = std::move(keys);
                    found.jwks_json = std::move(r.body);
                    done(std::move(found));
                  });
}

}  // namespace tokengate::proxy
