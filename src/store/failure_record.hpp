#pragma once
// What the store keeps so that the nodes share their abuse limits (limits/shared_limits): the
// failed authentications counted per key ("pair" of address and client ID, or address) in its
// current window, and which nodes are alive (the per-second rates are split among them).
#include <cstdint>
#include <string>
#include <vector>

namespace tokengate::store {

// A node that has not exchanged for this long is no longer counted alive.
constexpr int64_t kLiveNodeSeconds = 5;

// Failures a node counted since it last told the store.
struct FailureDelta {
  std::string key;
  int64_t count = 0;
};

// A key's count, all nodes together, in the window that started at `window_start` (Unix seconds).
struct SharedFailure {
  std::string key;
  int64_t window_start = 0;
  int64_t count = 0;
};

struct FailureExchange {
  std::vector<SharedFailure> changed;  // counts changed since the node last read (and its own)
  int64_t read_at_ms = 0;              // the store's clock: pass it back as `since_ms` next time
  int live_nodes = 1;                  // nodes that exchanged in the last few seconds, this one included
};

}  // namespace tokengate::store
