#pragma once
// Whether an access token is one of ours and live now: what introspection calls "active" (RFC 7662
// §2.2) and what the status routes require. Signed by a published key (jose::verify_access_token:
// typ, alg, our issuer, not expired), not revoked itself nor by its generation, and of a client that
// exists and is enabled. No I/O: snapshots only.
#include <cstdint>
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "issuer/issuer_state.hpp"
#include "jose/jwt_verifier.hpp"

namespace tokengate::issuer {

// `audience` empty: any audience (introspection answers for every resource server).
std::variant<boost::json::object, jose::JwtFailure> inspect_access_token(std::string_view token, const IssuerState& state,
                                                                         std::string_view audience, int64_t now);

}  // namespace tokengate::issuer
