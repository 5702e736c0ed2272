#include "http/event_loop.hpp"

#include <stdexcept>

namespace tokengate::http {
namespace {
thread_local boost::asio::io_context* current = nullptr;
}

boost::asio::io_context& current_event_loop() {
  if (!current) throw std::logic_error("not on a server event-loop thread");
  return *current;
}

void set_current_event_loop(boost::asio::io_context* loop) { current = loop; }

}  // namespace tokengate::http
