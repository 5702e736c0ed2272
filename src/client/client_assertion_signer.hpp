#pragma once
// libtokengate's private_key_jwt (RFC 7523 §2.2, §3): a client assertion signed with the client's
// private key for each token request: iss = sub = the client ID, aud the server, 60 s to live, a
// fresh jti. The key is read once; its algorithm follows from its type (EC P-256: ES256, Ed25519:
// EdDSA, RSA: RS256, or PS256 when asked).
#include <memory>
#include <mutex>
#include <string>

#include "jose/jws_signer.hpp"

namespace tokengate::client {

class ClientAssertionSigner {
 public:
  // Throws tokengate::Error(configuration) for a file that cannot be read or holds no such key.
  ClientAssertionSigner(const std::string& private_key_file, std::string key_id, const std::string& rsa_algorithm);

  std::string sign(const std::string& client_id, const std::string& audience);

 private:
  std::mutex mutex_;  // a signer's context serves one signature at a time
  std::string header_b64_;
  std::unique_ptr<jose::JwsSigner> signer_;
};

// The PKCS #8 PEM private key in `path`, as a signing key of the algorithm its type implies (EC
// P-256: ES256, Ed25519: EdDSA, RSA: RS256, or PS256 when `rsa_algorithm` says so); throws
// tokengate::Error(configuration).
jose::SigningKey load_private_key_file(const std::string& path, const std::string& rsa_algorithm);

// The contents of `path` without surrounding whitespace (a projected token file ends in none, a
// hand-written one often in a newline); throws tokengate::Error(configuration) if it cannot be read
// or is empty, naming the path.
std::string read_assertion_file(const std::string& path);

}  // namespace tokengate::client
