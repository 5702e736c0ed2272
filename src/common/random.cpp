#include "common/random.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace tokengate::common {

void random_bytes(void* out, size_t size) {
  if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(size)) != 1)
    throw std::runtime_error("the random generator failed");
}

}  // namespace tokengate::common
