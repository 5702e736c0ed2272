#pragma once
// Internal to http/: what the server and its sessions share. One session per connection, on the
// thread its connection was handed to; Beast and Asio types stay inside http/.
#include <atomic>
#include <memory>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "http/router.hpp"
#include "http/server.hpp"

namespace boost::asio::ssl {
class context;
}

namespace tokengate::http {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

// Streams and sockets bound to their thread's io_context by type: no polymorphic executor to copy
// on every asynchronous operation.
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using TcpStream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // On stop: a connection waiting for its next request is closed now; one in the middle of a
  // request finishes it and then closes (its response carries Connection: close).
  virtual void close_if_idle() = 0;
};

// Per-thread state: the sessions living on this thread's io_context, so that a stop can close the
// idle ones without a global registry or lock.
struct ThreadState {
  std::unordered_set<SessionBase*> sessions;  // declared first: destroyed after the io_context's handlers
  net::io_context ioc{1};
};

struct Shared {
  ServerOptions options;
  const Router& router;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};  // sessions alive, on every thread
};

// Starts serving `socket` on `thread`: over TLS with `tls`, else in plain HTTP.
void start_session(Socket socket, ThreadState& thread, Shared& shared, std::shared_ptr<net::ssl::context> tls);

}  // namespace tokengate::http
