#pragma once
// The event loop of the calling server thread, for asynchronous handlers that start I/O of their
// own (the proxy's upstream calls) on the thread that serves the request.
namespace boost::asio {
class io_context;
}

namespace tokengate::http {

// The io_context of the calling thread; throws std::logic_error off a server thread.
boost::asio::io_context& current_event_loop();
void set_current_event_loop(boost::asio::io_context* loop);  // by the server, per thread

}  // namespace tokengate::http
