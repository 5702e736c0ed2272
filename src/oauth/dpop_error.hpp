#pragma once
// The OAuth errors of DPoP (RFC 9449 §5, §8): a proof refused (invalid_dpop_proof) or without a
// current server nonce (use_dpop_nonce), both 400 at the token endpoint.
#include <string>

#include "jose/dpop_proof.hpp"
#include "oauth/oauth_error.hpp"

namespace tokengate::oauth {

OAuthError invalid_dpop_proof(std::string description);
OAuthError dpop_error(jose::DpopFailure failure);

}  // namespace tokengate::oauth
