#pragma once
// The outcome and latency of the last N calls of some kind (upstream calls, store polls), for the
// health check's "measured latency and recent error rate". Off the token-issuing path.
#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>

namespace tokengate::observe {

class RecentStats {
 public:
  static constexpr size_t kWindow = 100;

  struct Summary {
    size_t samples = 0;
    double error_rate = 0;           // failed / samples, 0 when there are none
    double mean_latency_ms = 0;
    double last_latency_ms = 0;
    bool last_ok = true;
  };

  void record(bool ok, std::chrono::steady_clock::duration latency);
  Summary summary() const;

 private:
  struct Sample {
    bool ok;
    double latency_ms;
  };
  mutable std::mutex mutex_;
  std::array<Sample, kWindow> ring_{};
  size_t count_ = 0;  // total recorded; ring index = count_ % kWindow
};

}  // namespace tokengate::observe
