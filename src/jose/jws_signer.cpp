#include "jose/jws_signer.hpp"

#include <openssl/rsa.h>

#include "common/base64url.hpp"
#include "jose/ecdsa_signature.hpp"
#include "common/sha256.hpp"

namespace tokengate::jose {

JwsSigner::JwsSigner(std::shared_ptr<const SigningKey> key) : key_(std::move(key)) {
  if (key_->algorithm() == Algorithm::EdDSA) {
    md_ctx_.reset(EVP_MD_CTX_new());
    if (!md_ctx_) throw_openssl_error("allocating a signing context");
    return;
  }
  pkey_ctx_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key_->pkey(), nullptr));
  if (!pkey_ctx_ || EVP_PKEY_sign_init(pkey_ctx_.get()) != 1) throw_openssl_error("initialising a signing context");
  if (key_->algorithm() == Algorithm::RS256 &&
      (EVP_PKEY_CTX_set_rsa_padding(pkey_ctx_.get(), RSA_PKCS1_PADDING) != 1 ||
       EVP_PKEY_CTX_set_signature_md(pkey_ctx_.get(), EVP_sha256()) != 1))
    throw_openssl_error("initialising an RS256 signing context");
  if (key_->algorithm() == Algorithm::PS256 &&
      (EVP_PKEY_CTX_set_rsa_padding(pkey_ctx_.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx_.get(), RSA_PSS_SALTLEN_DIGEST) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md(pkey_ctx_.get(), EVP_sha256()) != 1 ||
       EVP_PKEY_CTX_set_signature_md(pkey_ctx_.get(), EVP_sha256()) != 1))
    throw_openssl_error("initialising a PS256 signing context");
}

void JwsSigner::sign_append(std::string_view signing_input, std::string& out) {
  const auto* input = reinterpret_cast<const unsigned char*>(signing_input.data());
  unsigned char sig[512];
  size_t sig_len = sizeof sig;

  if (key_->algorithm() == Algorithm::EdDSA) {
    if (EVP_DigestSignInit(md_ctx_.get(), nullptr, nullptr, nullptr, key_->pkey()) != 1 ||
        EVP_DigestSign(md_ctx_.get(), sig, &sig_len, input, signing_input.size()) != 1)
      throw_openssl_error("EdDSA signing");
    common::base64url_append(out, std::string_view(reinterpret_cast<char*>(sig), sig_len));
    return;
  }

  common::Sha256Digest digest = common::sha256(signing_input);
  if (EVP_PKEY_sign(pkey_ctx_.get(), sig, &sig_len, digest.data(), digest.size()) != 1) throw_openssl_error("signing");

  if (key_->algorithm() == Algorithm::ES256) {
    // JWS wants R || S, each 32 bytes (RFC 7518 §3.4); OpenSSL gives DER.
    unsigned char raw[64];
    if (!ecdsa_der_to_raw(std::string_view(reinterpret_cast<char*>(sig), sig_len), 32, raw))
      throw std::runtime_error("OpenSSL returned a malformed ECDSA signature");
    common::base64url_append(out, std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
  } else {
    common::base64url_append(out, std::string_view(reinterpret_cast<char*>(sig), sig_len));
  }
}

}  // namespace tokengate::jose
