#pragma once
// The event loop of the calling server thread, for asynchronous handlers that start I/O of their
// own (the proxy's upstream calls) on the thread that serves the request.
#include <functional>

namespace boost::asio {
class io_context;
}

namespace tokengate::http {

// The io_context of the calling thread; throws std::logic_error off a server thread.
boost::asio::io_context& current_event_loop();
void set_current_event_loop(boost::asio::io_context* loop);  // by the server, per thread

// Registers `cleanup` to run on this thread when its event loop has stopped, while the io_context
// still exists: for thread-local objects that hold sockets (the proxy's connection pools).
void at_event_loop_exit(std::function<void()> cleanup);
void run_event_loop_exit_hooks();  // by the server, per thread, after io_context::run returns

}  // namespace tokengate::http
