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
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <spdlog/spdlog.h>

#include "http/event_loop.hpp"
#include "http/fd_limit.hpp"
#include "http/session.hpp"
#include "http/tls_context.hpp"

namespace tokengate::http {

struct Server::Impl {
  Impl(ServerOptions options, const Router& router) : shared{std::move(options), router} {}

  Shared shared;
  std::vector<std::unique_ptr<ThreadState>> threads;
  std::optional<tcp::acceptor> acceptor;
  std::mutex stop_mutex;
  std::condition_variable stop_changed;
  bool finished = false;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  size_t next_thread = 0;
  size_t max_connections = 0;
  std::optional<net::steady_timer> accept_pause;  // on thread 0, like the acceptor
  std::optional<TlsContext> tls;                  // HTTPS when set
  std::optional<net::steady_timer> tls_watch;     // reloads the certificate when its files change
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
        start_session(std::move(socket), target, shared, tls ? tls->current() : nullptr);
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
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\nRetry-After: 1\r\n"
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

  void reload_tls_now(const std::string& why) {  // on thread 0
    if (!tls) return;
    std::string error = tls->reload();
    if (error.empty()) spdlog::info("{}: TLS certificate and key reloaded; new connections use them", why);
    else spdlog::error("{}: TLS certificate not reloaded, the current one stays: {}", why, error);
  }

  // Also when the files change (a certificate renewed by a tool that sends no signal): checked every 2 s.
  void watch_tls_files() {
    if (!tls) return;
    tls_watch->expires_after(std::chrono::seconds(2));
    tls_watch->async_wait([this](beast::error_code ec) {
      if (ec) return;
      switch (tls->reload_if_changed()) {
        case TlsContext::Reload::unchanged: break;
        case TlsContext::Reload::reloaded: spdlog::info("TLS certificate files changed: reloaded"); break;
        case TlsContext::Reload::failed:
          spdlog::error("TLS certificate files changed but do not load; the current ones stay: {}", tls->last_error());
          break;
      }
      watch_tls_files();
    });
  }

  void begin_stop() {  // on thread 0
    if (shared.stopping.exchange(true)) return;
    spdlog::info("stopping: no new connections; finishing requests in flight");
    beast::error_code ec;
    acceptor->close(ec);
    accept_pause->cancel();
    if (tls_watch) tls_watch->cancel();
    for (auto& t : threads) {
      net::post(t->ioc, [state = t.get()] {
        std::vector<SessionBase*> sessions(state->sessions.begin(), state->sessions.end());
        for (SessionBase* s : sessions) s->close_if_idle();
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
  if (opts.tls) {
    impl_->tls.emplace(*opts.tls);  // throws, naming the file, if the certificate or key is unusable
    impl_->tls_watch.emplace(impl_->threads[0]->ioc);
  }
  auto& acceptor = impl_->acceptor.emplace(impl_->threads[0]->ioc);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + opts.host + ":" + std::to_string(opts.port) + ": " + ec.message());
}

Server::~Server() = default;

void Server::stop() {
  net::post(impl_->threads[0]->ioc, [impl = impl_.get()] { impl->begin_stop(); });
}

void Server::reload_tls(std::string why) {
  net::post(impl_->threads[0]->ioc, [impl = impl_.get(), why = std::move(why)] { impl->reload_tls_now(why); });
}

uint16_t Server::port() const { return impl_->acceptor->local_endpoint().port(); }
unsigned Server::threads() const { return static_cast<unsigned>(impl_->threads.size()); }
size_t Server::max_connections() const { return impl_->max_connections; }
size_t Server::open_connections() const { return impl_->shared.connections.load(std::memory_order_relaxed); }
bool Server::tls() const { return impl_->tls.has_value(); }

void Server::run() {
  Impl& impl = *impl_;
  for (auto& t : impl.threads) impl.guards.push_back(net::make_work_guard(t->ioc));
  impl.watch_tls_files();
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
