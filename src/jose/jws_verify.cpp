#include "jose/jws_verify.hpp"

#include <openssl/err.h>

#include "jose/base64url.hpp"
#include "jose/ecdsa_signature.hpp"

namespace tokengate::jose {

std::optional<CompactJws> parse_compact(std::string_view token) {
  size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  auto header = base64url_decode(token.substr(0, first));
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header || !payload || !signature) return std::nullopt;
  return CompactJws{token.substr(0, second), std::move(*header), std::move(*payload), std::move(*signature)};
}

bool verify_signature(EVP_PKEY* key, Algorithm alg, std::string_view signing_input, std::string_view signature) {
  std::string der;
  std::string_view sig = signature;
  const EVP_MD* md = EVP_sha256();
  switch (alg) {
    case Algorithm::ES256:
      if (!EVP_PKEY_is_a(key, "EC") || signature.size() != 64) return false;
      der = ecdsa_raw_to_der(signature);
      sig = der;
      break;
    case Algorithm::EdDSA:
      if (!EVP_PKEY_is_a(key, "ED25519")) return false;
      md = nullptr;
      break;
    case Algorithm::RS256:
      if (!EVP_PKEY_is_a(key, "RSA")) return false;
      break;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace tokengate::jose
