#include "jose/jwk.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>

#include <boost/json/serialize.hpp>

#include "common/base64url.hpp"

namespace tokengate::jose {
namespace {

struct ParamBldFree { void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); } };
struct ParamFree { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };

std::string bn_param(EVP_PKEY* key, const char* name, int pad_to) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) throw_openssl_error(std::string("reading key parameter ") + name);
  BnPtr bn(raw);
  int size = pad_to > 0 ? pad_to : BN_num_bytes(bn.get());
  std::string bytes(static_cast<size_t>(size), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()), size) != size)
    throw_openssl_error("encoding key parameter");
  return bytes;
}

std::optional<std::string> member(const boost::json::object& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().get_string());
}

std::optional<std::string> b64_member(const boost::json::object& jwk, const char* name) {
  auto text = member(jwk, name);
  if (!text) return std::nullopt;
  return common::base64url_decode(*text);
}

PkeyPtr from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* out = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return nullptr;
  return PkeyPtr(out);
}

}  // namespace

boost::json::object public_key_members(EVP_PKEY* key, Algorithm alg) {
  boost::json::object o;  // members inserted in lexicographic order (RFC 7638 §3.3)
  switch (alg) {
    case Algorithm::ES256:
      o["crv"] = "P-256";
      o["kty"] = "EC";
      o["x"] = common::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, 32));
      o["y"] = common::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32));
      break;
    case Algorithm::EdDSA: {
      unsigned char raw[32];
      size_t len = sizeof raw;
      if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1) throw_openssl_error("reading Ed25519 public key");
      o["crv"] = "Ed25519";
      o["kty"] = "OKP";
      o["x"] = common::base64url_encode(std::string_view(reinterpret_cast<char*>(raw), len));
      break;
    }
    case Algorithm::RS256:
    case Algorithm::PS256:
      o["e"] = common::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0));
      o["kty"] = "RSA";
      o["n"] = common::base64url_encode(bn_param(key, OSSL_PKEY_PARAM_RSA_N, 0));
      break;
  }
  return o;
}

std::string thumbprint(const boost::json::object& required_members) {
  std::string canonical = boost::json::serialize(required_members);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
  return common::base64url_encode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

PkeyPtr public_key_from_jwk(const boost::json::object& jwk, Algorithm& alg) {
  auto kty = member(jwk, "kty");
  if (!kty) return nullptr;
  if (*kty == "EC") {
    auto crv = member(jwk, "crv");
    auto x = b64_member(jwk, "x");
    auto y = b64_member(jwk, "y");
    if (!crv || *crv != "P-256" || !x || !y || x->size() != 32 || y->size() != 32) return nullptr;
    std::string point = "\x04" + *x + *y;  // SEC1 uncompressed point
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    alg = Algorithm::ES256;
    return from_params("EC", bld.get());
  }
  if (*kty == "OKP") {
    auto crv = member(jwk, "crv");
    auto x = b64_member(jwk, "x");
    if (!crv || *crv != "Ed25519" || !x || x->size() != 32) return nullptr;
    alg = Algorithm::EdDSA;
    return PkeyPtr(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                               reinterpret_cast<const unsigned char*>(x->data()), x->size()));
  }
  if (*kty == "RSA") {
    auto n = b64_member(jwk, "n");
    auto e = b64_member(jwk, "e");
    if (!n || !e || n->size() > 1024 || e->size() > 8) return nullptr;
    BnPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
    BnPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
    // RSA keys under 2048 bits are refused; e must be odd and greater than 1.
    if (!bn_n || !bn_e || BN_num_bits(bn_n.get()) < 2048 || !BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get()))
      return nullptr;
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());
    // An RSA key is for RS256 unless its JWK names PS256 (one key, one algorithm).
    auto named = member(jwk, "alg");
    alg = named && *named == "PS256" ? Algorithm::PS256 : Algorithm::RS256;
    return from_params("RSA", bld.get());
  }
  return nullptr;
}

}  // namespace tokengate::jose
