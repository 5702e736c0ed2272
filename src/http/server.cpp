#include "http/server.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "http/event_loop.hpp"
#include "http/fd_limit.hpp"
#include "http/framing.hpp"
#include "http/response_head.hpp"

namespace tokengate::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

// Streams and sockets bound to their thread's io_context by type: no polymorphic executor to copy
// on every asynchronous operation.
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Stream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;

class Session;

// Per-thread state: the sessions living on this thread's io_context, so that a stop can close the
// idle ones without a global registry or lock.
struct ThreadState {
  std::unordered_set<Session*> sessions;  // declared first: destroyed after the io_context's handlers
  net::io_context ioc{1};
};

struct Shared {
  ServerOptions options;
  const Router& router;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};  // sessions alive, on every thread
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, ThreadState& thread, Shared& shared)
      : stream_(std::move(socket)), thread_(thread), shared_(shared) {
    shared_.connections.fetch_add(1, std::memory_order_relaxed);
  }

  ~Session() {
    thread_.sessions.erase(this);
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  }

  void start() {  // runs on the session's own thread
    thread_.sessions.insert(this);
    read_request();
  }

  // On stop: a connection waiting for its next request is closed now; one in the middle of a
  // request finishes it and then closes (its response carries Connection: close).
  void close_if_idle() {
    if (reading_ && buffer_.size() == 0 && parser_ && !parser_->got_some()) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.socket().close(ec);
    }
  }

 private:
  void read_request() {
    if (shared_.stopping.load(std::memory_order_relaxed) && buffer_.size() == 0) return close();
    parser_.emplace();
    parser_->body_limit(shared_.options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.header_limit));
    stream_.expires_after(shared_.options.request_timeout);
    reading_ = true;
    // The head first: its framing is checked before a byte of the body is read.
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    if (ec) return on_read(ec);
    const auto& req = parser_->get();
    RequestHead head;
    head.version = req.version() == 10 ? 10 : 11;
    for (const auto& field : req) {
      switch (field.name()) {
        case bhttp::field::host: ++head.host_count; break;
        case bhttp::field::transfer_encoding: head.transfer_encoding.push_back(field.value()); break;
        case bhttp::field::content_length: head.content_length = true; break;
        case bhttp::field::expect: head.expect.push_back(field.value()); break;
        default: break;
      }
    }
    FramingVerdict verdict = check_framing(head);
    if (verdict.kind == FramingVerdict::refuse) {
      reading_ = false;
      return send_error(verdict.status, std::move(verdict.message));
    }
    if (verdict.kind == FramingVerdict::send_continue) {
      if (parser_->content_length() && *parser_->content_length() > shared_.options.body_limit) {
        reading_ = false;  // no point in asking for a body we would refuse
        return send_error(413, "The request body is larger than " + std::to_string(shared_.options.body_limit) +
                                   " bytes.");
      }
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                if (ec) return self->close();
                                self->read_body();
                              });
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    reading_ = false;
    if (ec == bhttp::error::body_limit)
      return send_error(413, "The request body is larger than " + std::to_string(shared_.options.body_limit) +
                                 " bytes.");
    if (ec == bhttp::error::header_limit)
      return send_error(431, "The request headers are larger than " + std::to_string(shared_.options.header_limit) +
                                 " bytes.");
    if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
      return send_error(400, "The request is not valid HTTP/1.1: " + ec.message() + ".");
    if (ec) return close();  // end of stream, timeout, reset, or closed by a stop

    started_ = std::chrono::steady_clock::now();
    const auto& req = parser_->get();
    Request request;
    request.method = req.method_string();
    std::string_view target = req.target();
    size_t q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string_view::npos) request.query = target.substr(q + 1);
    for (const auto& field : req) {
      if (field.name() == bhttp::field::authorization) {
        request.authorization = field.value();
        ++request.authorization_count;
      } else if (field.name() == bhttp::field::content_type) {
        request.content_type = field.value();
        ++request.content_type_count;
      } else if (field.name() == bhttp::field::if_none_match) {
        request.if_none_match = field.value();
      }
    }
    request.body = req.body();
    request.loop = &thread_.ioc;
    // Logs name the route, never the path: a path may hold anything a client sent, secrets too.
    route_name_ = shared_.router.route_name(request);

    try {
      shared_.router.route(request, [self = shared_from_this()](Response r) { self->on_response(std::move(r)); });
    } catch (const std::exception& e) {
      spdlog::error("request handler failed on {} {}: {}", request.method, route_name_, e.what());
      on_response(json_error(500, "server_error", "The server failed to handle the request."));
    }
  }

  // Called once per request, on this session's thread, possibly after the handler returned.
  void on_response(Response response) {
    const auto& req = parser_->get();
    if (shared_.options.access_log) {
      auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_);
      spdlog::debug("{} {} {} {}us", req.method_string(), route_name_, response.status, micros.count());
    }
    bool keep_alive = req.keep_alive() && !shared_.stopping.load(std::memory_order_relaxed);
    bool head = req.method() == bhttp::verb::head;  // RFC 9110 §9.3.2: the head only
    write_response(std::move(response), req.version(), keep_alive, head);
  }

  void send_error(int status, std::string message) {
    // invalid_request: the RFC 6749 §5.2 code that OAuth clients know for a request they got wrong.
    write_response(json_error(status, "invalid_request", message), 11, /*keep_alive=*/false);
  }

  void write_response(Response response, unsigned version, bool keep_alive, bool head_only = false) {
    write_response_head(response, version, keep_alive, head_);
    body_ = std::move(response.body);
    if (head_only) body_.clear();
    stream_.expires_after(shared_.options.request_timeout);
    std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
    net::async_write(stream_, buffers, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      if (!keep_alive) return self->linger_close();
      self->read_request();
    });
  }

  // Half-close, then read and discard what the peer still sends (say, the rest of a body we
  // refused) until it closes: closing with unread data would reset the connection and could
  // destroy the response before the peer has read it.
  void linger_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    drain_ = std::make_unique<char[]>(4096);
    drain_some(0);
  }

  void drain_some(size_t total) {
    stream_.async_read_some(net::buffer(drain_.get(), 4096),
                            [self = shared_from_this(), total](beast::error_code ec, std::size_t n) {
                              if (ec || total + n > 1024 * 1024) return self->close();
                              self->drain_some(total + n);
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().close(ec);
  }

  Stream stream_;
  ThreadState& thread_;
  Shared& shared_;
  beast::flat_buffer buffer_{8192};
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string head_;  // the response being written; reused, so its capacity stays
  std::string body_;
  std::unique_ptr<char[]> drain_;
  std::chrono::steady_clock::time_point started_;
  std::string_view route_name_;  // into the router's own strings
  bool reading_ = false;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, const Router& router) : shared{std::move(options), router} {}

  Shared shared;
  std::vector<std::unique_ptr<ThreadState>> threads;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::signal_set> signals;
  std::mutex stop_mutex;
  std::condition_variable stop_changed;
  bool finished = false;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  size_t next_thread = 0;
  size_t max_connections = 0;
  std::optional<net::steady_timer> accept_pause;  // on thread 0, like the acceptor
  // Accept-loop accounting, touched only on thread 0.
  size_t accept_failures = 0;
  size_t refused = 0;
  std::string last_accept_error;
  std::chrono::steady_clock::time_point last_log{};

  void accept() {
    ThreadState& target = *threads[next_thread];
    next_thread = (next_thread + 1) % threads.size();
    acceptor->async_accept(target.ioc.get_executor(), [this, &target](beast::error_code ec, Socket socket) {
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
        // Out of file descriptors (or another failure that retrying at once will not mend): the
        // connection stays in the backlog; pause, and say so at most once a second.
        note_accept_failure(ec);
        accept_pause->expires_after(std::chrono::milliseconds(100));
        accept_pause->async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      if (shared.connections.load(std::memory_order_relaxed) >= max_connections) {
        refuse(std::move(socket));
      } else {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto session = std::make_shared<Session>(std::move(socket), target, shared);
        // Moved, not copied: this thread must not hold the last reference, or the session would
        // be destroyed here and touch the other thread's session set.
        net::dispatch(target.ioc, [session = std::move(session)] { session->start(); });
      }
      accept();
    });
  }

  // Over the connection cap: a short 503 written at once (it fits any socket buffer), then close.
  void refuse(Socket socket) {
    static const std::string kRefusal = [] {
      std::string body = R"({"error":"temporarily_unavailable","error_description":"The server has too many open )"
                         R"(connections; retry shortly.","code":503,"message":"The server has too many open )"
                         R"(connections; retry shortly."})";
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
             "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    beast::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(net::buffer(kRefusal), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    ++refused;
    log_now_and_then();
  }

  void note_accept_failure(const beast::error_code& ec) {
    ++accept_failures;
    last_accept_error = ec.message();
    log_now_and_then();
  }

  // At most one line a second about refused connections and failed accepts, with counts.
  void log_now_and_then() {
    auto now = std::chrono::steady_clock::now();
    if (now - last_log < std::chrono::seconds(1)) return;
    last_log = now;
    if (accept_failures)
      spdlog::warn("accept failed {} times since the last report ({}); pausing 100 ms after each", accept_failures,
                   last_accept_error);
    if (refused) spdlog::warn("refused {} connections since the last report: {} are open, the cap", refused, max_connections);
    accept_failures = refused = 0;
  }

  void begin_stop() {  // on thread 0
    if (shared.stopping.exchange(true)) return;
    spdlog::info("stopping: no new connections; finishing requests in flight");
    beast::error_code ec;
    acceptor->close(ec);
    accept_pause->cancel();
    if (signals) signals->cancel();
    for (auto& t : threads) {
      net::post(t->ioc, [state = t.get()] {
        std::vector<Session*> sessions(state->sessions.begin(), state->sessions.end());
        for (Session* s : sessions) s->close_if_idle();
      });
    }
    guards.clear();
    { std::lock_guard lock(stop_mutex); }  // the watchdog is either before its check or waiting
    stop_changed.notify_all();
  }

  // Runs beside the io threads: once a stop has begun, gives in-flight requests drain_timeout to
  // finish, then stops the event loops.
  void watchdog() {
    std::unique_lock lock(stop_mutex);
    stop_changed.wait(lock, [this] { return finished || shared.stopping.load(); });
    if (stop_changed.wait_for(lock, shared.options.drain_timeout, [this] { return finished; })) return;
    spdlog::warn("stopping: requests still in flight after {}s; closing them", shared.options.drain_timeout.count());
    for (auto& t : threads) t->ioc.stop();
  }
};

Server::Server(ServerOptions options, const Router& router) : impl_(std::make_unique<Impl>(std::move(options), router)) {
  unsigned n = impl_->shared.options.threads;
  if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) impl_->threads.push_back(std::make_unique<ThreadState>());

  auto& opts = impl_->shared.options;
  beast::error_code ec;
  auto address = net::ip::make_address(opts.host, ec);
  if (ec) throw std::runtime_error("listen: '" + opts.host + "' is not an IP address");
  tcp::endpoint endpoint(address, opts.port);
  size_t fd_limit = raise_fd_limit();
  impl_->max_connections = opts.max_connections ? opts.max_connections : default_max_connections(fd_limit);
  impl_->accept_pause.emplace(impl_->threads[0]->ioc);
  auto& acceptor = impl_->acceptor.emplace(impl_->threads[0]->ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + opts.host + ":" + std::to_string(opts.port) + ": " + ec.message());
}

Server::~Server() = default;

uint16_t Server::port() const { return impl_->acceptor->local_endpoint().port(); }
unsigned Server::threads() const { return static_cast<unsigned>(impl_->threads.size()); }
size_t Server::max_connections() const { return impl_->max_connections; }

void Server::run() {
  Impl& impl = *impl_;
  for (auto& t : impl.threads) impl.guards.push_back(net::make_work_guard(t->ioc));
  impl.signals.emplace(impl.threads[0]->ioc, SIGINT, SIGTERM);
  impl.signals->async_wait([&impl](beast::error_code ec, int) {
    if (!ec) impl.begin_stop();
  });
  impl.accept();

  std::thread watchdog([&impl] { impl.watchdog(); });
  std::vector<std::thread> workers;
  auto run_loop = [&impl](size_t i) {
    for (;;) {
      try {
        impl.threads[i]->ioc.run();
        break;
      } catch (const std::exception& e) {  // a completion handler threw: log it, keep serving
        spdlog::error("event loop {}: unexpected exception: {}", i, e.what());
      }
    }
    run_event_loop_exit_hooks();
  };
  for (size_t i = 1; i < impl.threads.size(); ++i) workers.emplace_back(run_loop, i);
  run_loop(0);  // each loop returns once a stop has begun and its sessions are gone
  for (auto& w : workers) w.join();
  {
    std::lock_guard lock(impl.stop_mutex);
    impl.finished = true;
  }
  impl.stop_changed.notify_all();
  watchdog.join();
}


}  // namespace tokengate::http
