#pragma once
// DPoP proofs (RFC 9449): a JWT the client signs with a key of its own for each request, whose
// public half it carries. A token issued with a proof is bound to that key (`cnf.jkt`, its RFC 7638
// thumbprint), so a copy of the token alone is no use.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>


namespace tokengate::jose {

// The server nonces a proof must carry (RFC 9449 §8), where there are any.
class DpopNonceCheck {
 public:
  virtual ~DpopNonceCheck() = default;
  virtual bool valid(std::string_view nonce, int64_t now) const = 0;
};

struct DpopExpectations {
  std::string_view method;  // htm
  std::string_view url;     // htu: the request's URL, without query and fragment
  int64_t now = 0;
  int64_t max_age = 60;     // iat at most this old ...
  int64_t leeway = 5;       // ... or this far in the future
  std::string_view access_token{};  // at a resource: `ath` must be its base64url SHA-256 (§4.3 step 11)
  const DpopNonceCheck* nonces = nullptr;  // set: the proof must carry a current server nonce (§8)
};

struct DpopProof {
  std::string jkt;  // base64url SHA-256 thumbprint of its public key (RFC 7638)
  std::string jti;
  int64_t iat = 0;
  std::string nonce;  // empty: none
};

// Why a proof is refused: `nonce` when only its nonce is (the client retries with the server's:
// use_dpop_nonce), else invalid_dpop_proof; `message` says what is wrong.
struct DpopFailure {
  bool nonce = false;
  std::string message;
};

// RFC 9449 §4.3's checks, every failure saying which: a compact JWS of
// at most 8 KiB; typ dpop+jwt; alg ES256, EdDSA, RS256 or PS256 (never none or an HMAC); a public
// `jwk` of that algorithm's key type, no private member; the signature by that key; htm and htu
// (compared as §4.3 normalises them: scheme and host in any case, the default port or none); iat
// within the window; a jti; with `nonces`, a current nonce (else a nonce failure). Single use of the jti is the caller's (DpopReplay).
std::variant<DpopProof, DpopFailure> verify_dpop_proof(std::string_view proof, const DpopExpectations& expect);

}  // namespace tokengate::jose
