#include "oauth/dpop_error.hpp"

namespace tokengate::oauth {

OAuthError invalid_dpop_proof(std::string description) { return {400, "invalid_dpop_proof", std::move(description)}; }

OAuthError dpop_error(jose::DpopFailure failure) {
  return {400, failure.nonce ? "use_dpop_nonce" : "invalid_dpop_proof", std::move(failure.message)};
}

}  // namespace tokengate::oauth
