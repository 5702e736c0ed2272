#pragma once
// A trusted external issuer (workload identity federation): a token it signed, carrying the
// audience and subject named here (and every claim condition), authenticates as `client_id`,
// with no secret anywhere. Subjects match exactly: no wildcards (docs/CONTRACT.md says why).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokengate::store {

struct FederationRecord {
  // Where the issuer's keys come from: OpenID/RFC 8414 discovery at `issuer`, a JWKS URL, or a
  // SPIFFE bundle endpoint (its "jwt-svid" keys).
  enum class Keys { discovery, jwks_uri, spiffe_bundle };

  std::string id;
  std::string issuer;      // the `iss` its tokens carry; for SPIFFE, spiffe://TRUST-DOMAIN
  Keys keys = Keys::discovery;
  std::string keys_url;    // the JWKS URL or the bundle endpoint; empty for discovery
  std::string audience;    // the `aud` its tokens must carry for this server
  std::string subject;     // the `sub`, exactly
  std::vector<std::pair<std::string, std::string>> conditions;  // claim (dotted for nested) = value, exactly
  std::string client_id;   // the tokengate client it authenticates as
  int64_t created_at = 0;
};

// The conditions as a JSON object's text, and back (std::runtime_error for text that is not an
// object of strings).
std::string conditions_json(const std::vector<std::pair<std::string, std::string>>& conditions);
std::vector<std::pair<std::string, std::string>> parse_conditions(std::string_view json);

const char* keys_name(FederationRecord::Keys keys);  // "discovery", "jwks_uri", "spiffe_bundle"
std::optional<FederationRecord::Keys> parse_keys(std::string_view name);

}  // namespace tokengate::store
