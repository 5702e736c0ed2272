#pragma once
// A circuit breaker for the upstream: after `failure_threshold` consecutive failures it opens for
// `cooldown`, during which calls are refused at once; then one probe call decides whether it closes
// again or stays open for another cooldown. Thread-safe; off the issuer's token path.
#include <chrono>
#include <cstdint>
#include <mutex>

namespace tokengate::proxy {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  CircuitBreaker(int failure_threshold, std::chrono::milliseconds cooldown);

  // Whether a call may go out now. When it says no, `retry_after` is how long until it may.
  // In the half-open state exactly one caller gets yes (the probe) until it reports.
  bool allow(Clock::time_point now, std::chrono::milliseconds& retry_after);

  void record_success();
  void record_failure(Clock::time_point now);
  // The allowed call never reached the upstream: neither success nor failure; a half-open
  // breaker lets the next caller probe.
  void release_probe();

  enum class State { closed, open, half_open };
  State state(Clock::time_point now) const;

 private:
  const int threshold_;
  const std::chrono::milliseconds cooldown_;
  mutable std::mutex mutex_;
  int consecutive_failures_ = 0;
  bool open_ = false;
  Clock::time_point open_until_{};
  bool probe_in_flight_ = false;
};

}  // namespace tokengate::proxy
