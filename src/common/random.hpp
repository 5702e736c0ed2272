#pragma once
// Random bytes from OpenSSL's CSPRNG; throws std::runtime_error if it fails.
#include <cstddef>

namespace tokengate::common {

void random_bytes(void* out, size_t size);

}  // namespace tokengate::common
