#include "jose/jws_verify.hpp"

#include <vector>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "common/base64url.hpp"
#include "jose/ecdsa_signature.hpp"
#include "common/sha256.hpp"

namespace tokengate::jose {

std::optional<CompactJws> parse_compact(std::string_view token) {
  size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  auto header = common::base64url_decode(token.substr(0, first));
  auto payload = common::base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = common::base64url_decode(token.substr(second + 1));
  if (!header || !payload || !signature) return std::nullopt;
  return CompactJws{token.substr(0, second), std::move(*header), std::move(*payload), std::move(*signature)};
}

namespace {

// This thread's verification context for `key` (ES256, RS256, PS256), initialised once: OpenSSL 3 spends
// microseconds looking the algorithm up on every EVP_DigestVerifyInit. A context holds a reference
// to its key, so a cached key's address cannot be reused by another while it is here.
EVP_PKEY_CTX* verify_context(EVP_PKEY* key, Algorithm alg) {
  struct Entry {
    EVP_PKEY* key;
    Algorithm alg;  // an RSA key may verify RS256 and PS256: one context each
    PkeyCtxPtr ctx;
  };
  thread_local std::vector<Entry> entries;
  for (auto& e : entries) {
    if (e.key == key && e.alg == alg) return e.ctx.get();
  }
  if (entries.size() >= 16) entries.clear();  // bounded: a few keys are in use at a time
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) return nullptr;
  if (alg == Algorithm::RS256 && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) return nullptr;
  // PS256: MGF1 with SHA-256 and a salt as long as the hash (RFC 7518 §3.5).
  if (alg == Algorithm::PS256 && (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
                                  EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_DIGEST) != 1 ||
                                  EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256()) != 1))
    return nullptr;
  if (EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1) return nullptr;
  entries.push_back({key, alg, std::move(ctx)});
  return entries.back().ctx.get();
}

}  // namespace

bool verify_signature(EVP_PKEY* key, Algorithm alg, std::string_view signing_input, std::string_view signature) {
  std::string der;
  std::string_view sig = signature;
  switch (alg) {
    case Algorithm::ES256:
      if (!EVP_PKEY_is_a(key, "EC") || signature.size() != 64) return false;
      der = ecdsa_raw_to_der(signature);
      sig = der;
      break;
    case Algorithm::EdDSA: {
      if (!EVP_PKEY_is_a(key, "ED25519")) return false;
      // Ed25519 has no pre-hash: one context per signature, as the signer does.
      MdCtxPtr ctx(EVP_MD_CTX_new());
      bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1 &&
                EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                                 reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
      ERR_clear_error();
      return ok;
    }
    case Algorithm::RS256:
    case Algorithm::PS256:
      if (!EVP_PKEY_is_a(key, "RSA")) return false;
      break;
  }
  common::Sha256Digest digest = common::sha256(signing_input);
  EVP_PKEY_CTX* ctx = verify_context(key, alg);
  bool ok = ctx && EVP_PKEY_verify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(), digest.data(),
                                   digest.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace tokengate::jose
