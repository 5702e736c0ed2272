#include "http/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace tokengate::http {

size_t raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? size_t{1} << 20 : static_cast<size_t>(limit.rlim_cur);
}

size_t default_max_connections(size_t fd_limit) {
  constexpr size_t kReserved = 64;
  return std::max<size_t>(8, fd_limit > 2 * kReserved ? fd_limit - kReserved : fd_limit / 2);
}

}  // namespace tokengate::http
