#pragma once
// The process's file-descriptor limit: every connection costs one.
#include <cstddef>

namespace tokengate::http {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit in force afterwards.
size_t raise_fd_limit();

// The default connection cap for a soft limit: what is left once descriptors are set aside for the
// store, the upstream pools and the log (a connection over the cap is refused with 503 instead of
// leaving the server unable to accept at all).
size_t default_max_connections(size_t fd_limit);

}  // namespace tokengate::http
