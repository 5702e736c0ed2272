#include "issuer/token_inspection.hpp"

#include <algorithm>

#include "common/json_member.hpp"
#include "common/scope_list.hpp"
#include "issuer/token_status.hpp"

namespace tokengate::issuer {
using common::string_member;

std::variant<boost::json::object, jose::JwtFailure> inspect_access_token(std::string_view token, const IssuerState& state,
                                                                         std::string_view audience, int64_t now) {
  using F = jose::JwtFailure;
  const KeySet& keys = store::read_snapshot(state.keys);
  const store::ClientSnapshot& clients = store::read_snapshot(state.clients);
  jose::JwtExpectations expect{state.settings.issuer, audience};
  // No token of ours lives longer than the longest TTL this server gives.
  expect.max_lifetime = std::max(state.settings.longest_default_ttl(), clients.max_token_ttl());
  auto verified = jose::verify_access_token(token, keys.public_keys, expect, now);
  if (std::holds_alternative<F>(verified)) return verified;
  const auto& claims = std::get<boost::json::object>(verified);

  std::string_view jti = string_member(claims, "jti");
  const RevocationSnapshot& revoked = store::read_snapshot(state.revocations);
  if (revoked.token_revoked(jti)) return F{F::revoked, "The token has been revoked."};
  auto id = parse_token_id(jti);
  if (id && revoked.generation_revoked(id->generation))
    return F{F::revoked, "The token has been revoked (every token of its client was)."};

  const store::ClientRecord* client = clients.find(string_member(claims, "client_id"));
  if (!client) return F{F::revoked, "The token's client no longer exists."};
  if (!client->enabled) return F{F::revoked, "The token's client is disabled."};
  // A token is worth no more than its client is allowed now: a scope taken from the client ends
  // every token that carries it (the admin API's rights among them), whatever the token says.
  if (!common::scopes_within(string_member(claims, "scope"), client->scopes))
    return F{F::revoked, "The token carries a scope its client is no longer allowed."};
  return verified;
}

}  // namespace tokengate::issuer
