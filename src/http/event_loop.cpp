#include "http/event_loop.hpp"

#include <stdexcept>
#include <vector>

namespace tokengate::http {
namespace {
thread_local boost::asio::io_context* current = nullptr;
thread_local std::vector<std::function<void()>> exit_hooks;
}

boost::asio::io_context& current_event_loop() {
  if (!current) throw std::logic_error("not on a server event-loop thread");
  return *current;
}

void set_current_event_loop(boost::asio::io_context* loop) { current = loop; }

void at_event_loop_exit(std::function<void()> cleanup) { exit_hooks.push_back(std::move(cleanup)); }

void run_event_loop_exit_hooks() {
  auto hooks = std::move(exit_hooks);
  exit_hooks.clear();
  for (auto& h : hooks) h();
}

}  // namespace tokengate::http
