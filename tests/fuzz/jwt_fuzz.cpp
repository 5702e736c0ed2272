// The JWT access-token verifier, against a key set of every algorithm we sign with: whatever the
// token, an answer (claims or a reason), never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/array.hpp>

#include "jose/jwt_verifier.hpp"
#include "jose/signing_key.hpp"

namespace {

const tokengate::jose::PublicKeySet& keys() {
  static const tokengate::jose::PublicKeySet set = [] {
    boost::json::array jwks;
    for (auto alg : {tokengate::jose::Algorithm::ES256, tokengate::jose::Algorithm::EdDSA})
      jwks.push_back(tokengate::jose::SigningKey::generate(alg).public_jwk());
    return tokengate::jose::PublicKeySet::from_jwks({{"keys", jwks}});
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view token(reinterpret_cast<const char*>(data), size);
  tokengate::jose::JwtExpectations expect{"https://issuer.test", "api"};
  expect.max_lifetime = 3600;
  tokengate::jose::verify_access_token(token, keys(), expect, 1'800'000'000);
  return 0;
}
