#include "jose/signing_key.hpp"

#include <openssl/pem.h>

#include "jose/jwk.hpp"

namespace tokengate::jose {
namespace {

PkeyPtr generate_pkey(Algorithm alg) {
  EVP_PKEY* key = nullptr;
  switch (alg) {
    case Algorithm::ES256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case Algorithm::EdDSA: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    case Algorithm::RS256:
    case Algorithm::PS256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}); break;
  }
  if (!key) throw_openssl_error("generating a signing key");
  return PkeyPtr(key);
}

bool key_matches(EVP_PKEY* key, Algorithm alg) {
  switch (alg) {
    case Algorithm::ES256: return EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_bits(key) == 256;
    case Algorithm::EdDSA: return EVP_PKEY_is_a(key, "ED25519");
    case Algorithm::RS256:
    case Algorithm::PS256: return EVP_PKEY_is_a(key, "RSA") && EVP_PKEY_get_bits(key) >= 2048;
  }
  return false;
}

}  // namespace

SigningKey::SigningKey(Algorithm alg, PkeyPtr pkey)
    : alg_(alg), pkey_(std::move(pkey)), kid_(thumbprint(public_key_members(pkey_.get(), alg_))) {}

SigningKey SigningKey::generate(Algorithm alg) { return SigningKey(alg, generate_pkey(alg)); }

SigningKey SigningKey::from_pem(Algorithm alg, const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw_openssl_error("reading a PEM key");
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw_openssl_error("parsing a PEM private key");
  if (!key_matches(key.get(), alg))
    throw std::runtime_error("the stored key is not a " + std::string(to_string(alg)) + " key");
  return SigningKey(alg, std::move(key));
}

std::string SigningKey::private_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw_openssl_error("writing a PEM private key");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

boost::json::object SigningKey::public_jwk() const {
  boost::json::object jwk = public_key_members(pkey_.get(), alg_);
  jwk["kid"] = kid_;
  jwk["alg"] = to_string(alg_);
  jwk["use"] = "sig";
  return jwk;
}

}  // namespace tokengate::jose
