#include "client/dpop_signer.hpp"

#include <chrono>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "client/client_assertion_signer.hpp"
#include "common/base64url.hpp"
#include "common/random.hpp"
#include "common/sha256.hpp"
#include "jose/jwk.hpp"

namespace tokengate::client {

std::string origin_of(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t end = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, end));
}

std::string_view htu_of(std::string_view url) { return url.substr(0, url.find_first_of("?#")); }

DpopSigner::DpopSigner(const std::string& key_file, const std::string& rsa_algorithm) {
  auto key = std::make_shared<const jose::SigningKey>(key_file.empty() ? jose::SigningKey::generate(jose::Algorithm::ES256)
                                                                        : load_private_key_file(key_file, rsa_algorithm));
  thumbprint_ = key->kid();  // the RFC 7638 thumbprint
  boost::json::object jwk = jose::public_key_members(key->pkey(), key->algorithm());
  boost::json::object header{{"typ", "dpop+jwt"}, {"alg", jose::to_string(key->algorithm())}, {"jwk", std::move(jwk)}};
  header_b64_ = common::base64url_encode(boost::json::serialize(header));
  signer_ = std::make_unique<jose::JwsSigner>(std::move(key));
}

void DpopSigner::remember_nonce(std::string_view url, std::string_view nonce) {
  if (nonce.empty() || nonce.size() > 512) return;
  std::lock_guard lock(mutex_);
  nonces_[origin_of(url)] = std::string(nonce);
}

std::string DpopSigner::proof(std::string_view method, std::string_view url, std::string_view access_token) {
  unsigned char jti[16];
  common::random_bytes(jti, sizeof jti);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  boost::json::object claims{{"htm", method},
                             {"htu", htu_of(url)},
                             {"iat", now},
                             {"jti", common::base64url_encode(std::string_view(reinterpret_cast<char*>(jti), sizeof jti))}};
  if (!access_token.empty()) {
    auto hash = common::sha256(access_token);
    claims["ath"] = common::base64url_encode(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
  }
  std::lock_guard lock(mutex_);
  if (auto it = nonces_.find(origin_of(url)); it != nonces_.end()) claims["nonce"] = it->second;
  std::string input = header_b64_ + "." + common::base64url_encode(boost::json::serialize(claims));
  std::string proof = input + ".";
  signer_->sign_append(input, proof);
  return proof;
}

}  // namespace tokengate::client
