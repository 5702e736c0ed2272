#pragma once
// A private signing key with its algorithm and RFC 7638 key ID, loadable from and savable to PEM.
#include <string>

#include <boost/json/object.hpp>

#include "jose/algorithm.hpp"
#include "jose/openssl_ptr.hpp"

namespace tokengate::jose {

class SigningKey {
 public:
  // Generates a fresh key: P-256 for ES256, Ed25519 for EdDSA, RSA-2048 for RS256 and PS256.
  static SigningKey generate(Algorithm alg);
  // Loads a PKCS#8 PEM private key; throws if it is not a key of `alg`'s type.
  static SigningKey from_pem(Algorithm alg, const std::string& pem);

  Algorithm algorithm() const { return alg_; }
  const std::string& kid() const { return kid_; }  // RFC 7638 SHA-256 thumbprint, base64url
  EVP_PKEY* pkey() const { return pkey_.get(); }

  std::string private_pem() const;
  // The public JWK (RFC 7517 §4) with kid, alg and use=sig.
  boost::json::object public_jwk() const;

 private:
  SigningKey(Algorithm alg, PkeyPtr pkey);
  Algorithm alg_;
  PkeyPtr pkey_;
  std::string kid_;
};

}  // namespace tokengate::jose
