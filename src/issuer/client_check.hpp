#pragma once
// Client authentication at the token endpoint (RFC 6749 §2.3), second half in issuer mode: the
// presented secret checked against the client snapshot in constant time.
#include <variant>

#include "oauth/client_auth_method.hpp"
#include "store/client_snapshot.hpp"

namespace tokengate::issuer {

using AuthResult = std::variant<const store::ClientRecord*, oauth::OAuthError>;

// An unknown client, a wrong secret and a disabled client get the same error after the same work
// (one digest, two constant-time compares: the current secret and the previous one, which counts
// only until its grace period ends at `now`), so client IDs cannot be probed.
// `used_previous` (when given) tells whether the previous secret was the one that matched.
AuthResult check_client(const oauth::PresentedCredentials& presented, const store::ClientSnapshot& clients,
                        int64_t now, bool* used_previous = nullptr);

}  // namespace tokengate::issuer
