#include "client/client_assertion_signer.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "common/base64url.hpp"
#include "common/random.hpp"
#include "tokengate/error.hpp"

namespace tokengate::client {
namespace {

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Error::Code::configuration, std::string("cannot read the ") + what + " " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The key in `pem`, as a signing key of the algorithm its type implies.
jose::SigningKey load_key(const std::string& pem, const std::string& path, const std::string& rsa_algorithm) {
  jose::Algorithm rsa = rsa_algorithm == "PS256" ? jose::Algorithm::PS256 : jose::Algorithm::RS256;
  if (!rsa_algorithm.empty() && rsa_algorithm != "PS256" && rsa_algorithm != "RS256")
    throw Error(Error::Code::configuration, "the algorithm of an RSA key must be RS256 or PS256, got '" + rsa_algorithm + "'");
  for (jose::Algorithm alg : {jose::Algorithm::ES256, jose::Algorithm::EdDSA, rsa}) {
    try {
      return jose::SigningKey::from_pem(alg, pem);
    } catch (const std::exception&) {
      // another type: try the next
    }
  }
  throw Error(Error::Code::configuration, path + " holds no private key this library signs with (a PKCS #8 PEM key: "
                                          "EC P-256, Ed25519, or RSA of 2048 bits or more)");
}

}  // namespace

jose::SigningKey load_private_key_file(const std::string& path, const std::string& rsa_algorithm) {
  return load_key(read_file(path, "private key"), path, rsa_algorithm);
}

ClientAssertionSigner::ClientAssertionSigner(const std::string& private_key_file, std::string key_id,
                                             const std::string& rsa_algorithm) {
  auto key = std::make_shared<const jose::SigningKey>(
      load_private_key_file(private_key_file, rsa_algorithm));
  boost::json::object header{{"alg", jose::to_string(key->algorithm())}, {"typ", "JWT"}};
  // Without a kid the server tries each of the client's keys of the algorithm.
  if (!key_id.empty()) header["kid"] = key_id;
  header_b64_ = common::base64url_encode(boost::json::serialize(header));
  signer_ = std::make_unique<jose::JwsSigner>(std::move(key));
}

std::string ClientAssertionSigner::sign(const std::string& client_id, const std::string& audience) {
  unsigned char jti[16];
  common::random_bytes(jti, sizeof jti);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  boost::json::object claims{{"iss", client_id},
                             {"sub", client_id},
                             {"aud", audience},
                             {"jti", common::base64url_encode(std::string_view(reinterpret_cast<char*>(jti), sizeof jti))},
                             {"iat", now},
                             {"exp", now + 60}};
  std::string input = header_b64_ + "." + common::base64url_encode(boost::json::serialize(claims));
  std::string token = input + ".";
  std::lock_guard lock(mutex_);
  signer_->sign_append(input, token);
  return token;
}

std::string read_assertion_file(const std::string& path) {
  std::string text = read_file(path, "assertion file");
  size_t begin = text.find_first_not_of(" \t\r\n");
  size_t end = text.find_last_not_of(" \t\r\n");
  if (begin == std::string::npos) throw Error(Error::Code::configuration, "the assertion file " + path + " is empty");
  return text.substr(begin, end - begin + 1);
}

}  // namespace tokengate::client
