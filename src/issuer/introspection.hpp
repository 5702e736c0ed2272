#pragma once
// The introspection response, RFC 7662 §2.2.
#include <string_view>
#include <variant>

#include <boost/json/object.hpp>

#include "http/response.hpp"
#include "jose/jwt_verifier.hpp"
#include "store/client_record.hpp"

namespace tokengate::issuer {

// The scope that lets a client (a resource server) introspect every client's tokens; without it a
// client may introspect only its own.
inline constexpr std::string_view kIntrospectScope = "tokengate:introspect";

// {"active":true, client_id, scope, sub, aud, iss, exp, iat, jti, token_type} for a live token the
// caller may see, else {"active":false}: an inactive token and another client's token look the same.
http::Response introspection_response(const std::variant<boost::json::object, jose::JwtFailure>& inspected,
                                      const store::ClientRecord& caller);

}  // namespace tokengate::issuer
