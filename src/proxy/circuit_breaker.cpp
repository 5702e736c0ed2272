#include "proxy/circuit_breaker.hpp"

namespace tokengate::proxy {

CircuitBreaker::CircuitBreaker(int failure_threshold, std::chrono::milliseconds cooldown)
    : threshold_(failure_threshold), cooldown_(cooldown) {}

bool CircuitBreaker::allow(Clock::time_point now, std::chrono::milliseconds& retry_after) {
  std::lock_guard lock(mutex_);
  if (!open_) return true;
  if (now < open_until_) {
    retry_after = std::chrono::ceil<std::chrono::milliseconds>(open_until_ - now);
    return false;
  }
  if (probe_in_flight_) {  // half-open: someone is already probing
    retry_after = std::chrono::milliseconds(1000);
    return false;
  }
  probe_in_flight_ = true;
  return true;
}

void CircuitBreaker::record_success() {
  std::lock_guard lock(mutex_);
  consecutive_failures_ = 0;
  open_ = false;
  probe_in_flight_ = false;
}

void CircuitBreaker::record_failure(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++consecutive_failures_;
  if (probe_in_flight_ || consecutive_failures_ >= threshold_) {
    open_ = true;
    open_until_ = now + cooldown_;
    probe_in_flight_ = false;
  }
}

void CircuitBreaker::release_probe() {
  std::lock_guard lock(mutex_);
  probe_in_flight_ = false;
}

CircuitBreaker::State CircuitBreaker::state(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  if (!open_) return State::closed;
  return now < open_until_ ? State::open : State::half_open;
}

}  // namespace tokengate::proxy
