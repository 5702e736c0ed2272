#pragma once
// SHA-256 with the algorithm fetched once and a context per thread: OpenSSL 3's one-shot SHA256()
// looks the algorithm up by name on every call, under a lock.
#include <array>
#include <string_view>

namespace tokengate::common {

using Sha256Digest = std::array<unsigned char, 32>;
Sha256Digest sha256(std::string_view data);

}  // namespace tokengate::common
