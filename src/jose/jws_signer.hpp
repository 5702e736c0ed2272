#pragma once
// Produces JWS signatures (RFC 7515) with one key. Not thread-safe: the server keeps one signer
// per thread so that each thread reuses its own OpenSSL context (no lock, no per-call setup).
#include <memory>
#include <string>
#include <string_view>

#include "jose/signing_key.hpp"

namespace tokengate::jose {

class JwsSigner {
 public:
  explicit JwsSigner(std::shared_ptr<const SigningKey> key);
  const SigningKey& key() const { return *key_; }

  // Appends base64url(JWS Signature over `signing_input`) to `out` (RFC 7515 §5.1 step 5/6).
  void sign_append(std::string_view signing_input, std::string& out);

 private:
  std::shared_ptr<const SigningKey> key_;
  PkeyCtxPtr pkey_ctx_;  // ES256 / RS256: initialised once, used for every signature
  MdCtxPtr md_ctx_;      // EdDSA: re-initialised per signature (Ed25519 has no pre-hash)
};

}  // namespace tokengate::jose
