#include "issuer/client_secret.hpp"

#include <array>

#include "common/random.hpp"
#include "common/base64url.hpp"

namespace tokengate::issuer {

std::string generate_client_secret() {
  std::array<char, 32> bytes;
  common::random_bytes(bytes.data(), bytes.size());
  return common::base64url_encode(std::string_view(bytes.data(), bytes.size()));
}

}  // namespace tokengate::issuer
