#include "jose/openssl_ptr.hpp"

#include <openssl/err.h>

namespace tokengate::jose {

void throw_openssl_error(const std::string& what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  std::string message = what;
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    message += ": ";
    message += buf;
  }
  throw std::runtime_error(message);
}

}  // namespace tokengate::jose
