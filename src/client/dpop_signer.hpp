#pragma once
// libtokengate's DPoP (RFC 9449): a key pair of the client's own, kept for the life of its
// TokenSource, and a proof signed with it for each request (§4.2): typ dpop+jwt, the public key
// in the header, htm, htu (the URL without query and fragment), iat, a fresh jti; at a resource
// `ath`, the hash of the token; the server's nonce (§8) where one was given, remembered per origin.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "jose/jws_signer.hpp"

namespace tokengate::client {

class DpopSigner {
 public:
  // A fresh EC P-256 key, or the PKCS #8 PEM key in `key_file` (EC P-256, Ed25519, RSA with
  // `rsa_algorithm` RS256 or PS256). Throws tokengate::Error(configuration).
  DpopSigner(const std::string& key_file, const std::string& rsa_algorithm);

  std::string proof(std::string_view method, std::string_view url, std::string_view access_token = {});
  // The nonce a server at `url`'s origin sent (its DPoP-Nonce header); the next proofs carry it.
  void remember_nonce(std::string_view url, std::string_view nonce);
  const std::string& thumbprint() const { return thumbprint_; }  // RFC 7638, the token's cnf.jkt

 private:
  std::mutex mutex_;
  std::string header_b64_;
  std::string thumbprint_;
  std::unique_ptr<jose::JwsSigner> signer_;
  std::map<std::string, std::string, std::less<>> nonces_;  // origin → nonce
};

// "https://host:port" of `url` (scheme and authority, as given); `url` itself if it has none.
std::string origin_of(std::string_view url);
// `url` without its query and fragment: a DPoP proof's htu (RFC 9449 §4.2).
std::string_view htu_of(std::string_view url);

}  // namespace tokengate::client
