#include "observe/recent_stats.hpp"

#include <algorithm>

namespace tokengate::observe {

void RecentStats::record(bool ok, std::chrono::steady_clock::duration latency) {
  double ms = std::chrono::duration<double, std::milli>(latency).count();
  std::lock_guard lock(mutex_);
  ring_[count_ % kWindow] = Sample{ok, ms};
  ++count_;
}

RecentStats::Summary RecentStats::summary() const {
  std::lock_guard lock(mutex_);
  Summary s;
  s.samples = std::min(count_, kWindow);
  if (s.samples == 0) return s;
  size_t failed = 0;
  double total = 0;
  for (size_t i = 0; i < s.samples; ++i) {
    failed += ring_[i].ok ? 0 : 1;
    total += ring_[i].latency_ms;
  }
  const Sample& last = ring_[(count_ - 1) % kWindow];
  s.error_rate = static_cast<double>(failed) / static_cast<double>(s.samples);
  s.mean_latency_ms = total / static_cast<double>(s.samples);
  s.last_latency_ms = last.latency_ms;
  s.last_ok = last.ok;
  return s;
}

}  // namespace tokengate::observe
