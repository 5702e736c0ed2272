#include "common/json_member.hpp"
#include "client/discovery.hpp"

#include <boost/json/parse.hpp>

namespace tokengate::client {
namespace {

std::string member(const boost::json::object& o, const char* name) { return std::string(common::string_member(o, name)); }

bool http_url(const std::string& url) { return url.starts_with("https://") || url.starts_with("http://"); }

}  // namespace

std::vector<std::string> metadata_urls(const std::string& issuer) {
  std::string base = issuer;
  while (!base.empty() && base.back() == '/') base.pop_back();
  size_t scheme = base.find("://");
  size_t path = scheme == std::string::npos ? std::string::npos : base.find('/', scheme + 3);
  std::string origin = path == std::string::npos ? base : base.substr(0, path);
  std::string rest = path == std::string::npos ? "" : base.substr(path);
  return {origin + "/.well-known/oauth-authorization-server" + rest, base + "/.well-known/openid-configuration"};
}

ServerMetadata discover(const std::string& issuer, const FetchRequest& settings, const FetchFunction& fetch) {
  std::string problems;
  for (const std::string& url : metadata_urls(issuer)) {
    FetchRequest req = settings;
    req.method = "GET";
    req.url = url;
    req.body.clear();
    req.headers = {{"Accept", "application/json"}};
    FetchResponse res = fetch(req);  // unreachable: thrown, there is no point in the second URL
    if (res.status != 200) {
      problems += (problems.empty() ? "" : "; ") + url + " answered HTTP " + std::to_string(res.status);
      continue;
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body, ec);
    if (ec || !v.is_object()) {
      problems += (problems.empty() ? "" : "; ") + url + " is not a JSON object";
      continue;
    }
    const auto& o = v.as_object();
    ServerMetadata m{member(o, "issuer"), member(o, "token_endpoint"), member(o, "jwks_uri"),
                     member(o, "introspection_endpoint"), member(o, "revocation_endpoint")};
    std::string expected = issuer;
    while (!expected.empty() && expected.back() == '/') expected.pop_back();
    std::string named = m.issuer;
    while (!named.empty() && named.back() == '/') named.pop_back();
    if (named != expected)
      throw Error(Error::Code::bad_response, "the metadata at " + url + " names issuer '" + m.issuer + "', not '" + issuer + "'");
    // Relative, another scheme, or plain http under an https issuer (the keys or the secret would
    // cross the network unprotected): unusable.
    bool https_only = issuer.starts_with("https://");
    for (std::string* endpoint : {&m.token_endpoint, &m.jwks_uri, &m.introspection_endpoint, &m.revocation_endpoint}) {
      if (!endpoint->empty() && (!http_url(*endpoint) || (https_only && !endpoint->starts_with("https://"))))
        endpoint->clear();
    }
    return m;
  }
  throw Error(Error::Code::bad_response, "no metadata for issuer " + issuer + " (" + problems + ")");
}

}  // namespace tokengate::client
