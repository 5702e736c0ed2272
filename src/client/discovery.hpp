#pragma once
// Finding an authorization server's endpoints from its issuer URL: RFC 8414 metadata first
// (/.well-known/oauth-authorization-server, inserted before the issuer's path, §3.1), then
// OpenID Connect Discovery 1.0 (/.well-known/openid-configuration, appended).
#include <string>
#include <vector>

#include "client/http_fetch.hpp"
#include "tokengate/server_metadata.hpp"

namespace tokengate::client {

// Where to look, in order.
std::vector<std::string> metadata_urls(const std::string& issuer);

// The metadata of `issuer`; its `issuer` member must be `issuer` (RFC 8414 §3.3), and every
// endpoint it names must be an http(s) URL. Throws tokengate::Error.
ServerMetadata discover(const std::string& issuer, const FetchRequest& settings, const FetchFunction& fetch = client::fetch);

}  // namespace tokengate::client
