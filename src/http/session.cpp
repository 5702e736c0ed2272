#include "http/session.hpp"

#include <array>
#include <chrono>
#include <iterator>
#include <optional>
#include <type_traits>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <spdlog/spdlog.h>

#include "http/beast_request.hpp"
#include "http/client_certificate.hpp"
#include "http/response_head.hpp"
#include "observe/metrics.hpp"
#include "observe/request_context.hpp"

namespace tokengate::http {
namespace bhttp = boost::beast::http;

namespace {

using TlsStream = beast::ssl_stream<TcpStream>;
using PlainStream = TcpStream;

// One connection, on its thread. `Stream` is the plain TCP stream or a TLS stream over it.
template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... StreamArgs>
  Session(ThreadState& thread, Shared& shared, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...), thread_(thread), shared_(shared) {
    shared_.connections.fetch_add(1, std::memory_order_relaxed);
  }

  ~Session() {
    thread_.sessions.erase(this);
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  }

  void keep(std::shared_ptr<net::ssl::context> tls) { tls_ = std::move(tls); }

  void start() {  // runs on the session's own thread
    thread_.sessions.insert(this);
    beast::error_code ec;
    auto peer = lowest().socket().remote_endpoint(ec);
    if (!ec) peer_ = peer.address().is_v6() && peer.address().to_v6().is_v4_mapped()
                         ? net::ip::make_address_v4(net::ip::v4_mapped, peer.address().to_v6()).to_string()
                         : peer.address().to_string();
    peer_trusted_ = shared_.options.trusted_proxies.count(peer_) > 0;
    if constexpr (kTls) {
      // The handshake is bounded like a request: a client that never finishes it is dropped.
      lowest().expires_after(shared_.options.request_timeout);
      stream_.async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->close();
        self->check_certificate();  // once per connection (a resumed session keeps its peer's certificate)
        self->read_request();
      });
    } else {
      read_request();
    }
  }

  // On stop: a connection waiting for its next request is closed now; one in the middle of a
  // request finishes it and then closes (its response carries Connection: close).
  void close_if_idle() override {
    if (reading_ && buffer_.size() == 0 && parser_ && !parser_->got_some()) {
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
      lowest().socket().close(ec);
    }
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, PlainStream>;
  std::shared_ptr<const ClientCertificate> certificate_;  // from the handshake
  std::chrono::steady_clock::time_point certificate_checked_{};
  void check_certificate() {
    if constexpr (kTls) {
      certificate_ = peer_certificate(stream_.native_handle(), shared_.options.client_cas.get());
      certificate_checked_ = std::chrono::steady_clock::now();
    }
  }
  std::shared_ptr<const ClientCertificate> forwarded_;    // from a trusted proxy's header, for ...
  std::string forwarded_value_;                           // ... this value of it
  TcpStream& lowest() { return beast::get_lowest_layer(stream_); }

  void read_request() {
    if (shared_.stopping.load(std::memory_order_relaxed) && buffer_.size() == 0) return close();
    parser_.emplace();
    parser_->body_limit(shared_.options.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.header_limit));
    lowest().expires_after(shared_.options.request_timeout);
    reading_ = true;
    // The head first: its framing is checked before a byte of the body is read.
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    if (ec) return on_read(ec);
    FramingVerdict verdict = check_framing(head_of(parser_->get()));
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
                              [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                if (ec) return self->close();
                                self->read_body();
                              });
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
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
    std::string_view offered_id;
    Request request = request_of(parser_->get(), offered_id);
    request.loop = &thread_.ioc;
    request.client_address = peer_;
    if (peer_trusted_ && !request.forwarded_for.empty()) {
      // The proxy appends the address it received the request from: the last entry is its word.
      std::string_view last = request.forwarded_for.substr(request.forwarded_for.rfind(',') + 1);
      while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
      while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
      if (!last.empty() && last.size() <= 45) request.client_address = last;
    }
    if (certificate_ && std::chrono::steady_clock::now() - certificate_checked_ > std::chrono::minutes(5))
      check_certificate();  // a long kept-alive connection: its chain is judged again (a CA may have expired)
    request.client_certificate = certificate_.get();
    if (peer_trusted_ && !shared_.options.client_cert_header.empty()) {
      // A proxy that terminates TLS says which certificate its client presented; it must always
      // set the header (an empty value when there was none), so that a client cannot.
      // Exactly one, or none: a proxy that appends instead of replacing would put a client's own
      // copy beside its own, and neither can be told from the other.
      auto [first, last] = parser_->get().equal_range(shared_.options.client_cert_header);
      if (first != last && std::next(first) != last)
        return send_error(400, "The request has more than one " + shared_.options.client_cert_header +
                                   " header; the proxy in front must replace the client's, not add to it.");
      std::string_view value;
      if (first != last) value = std::string_view(first->value().data(), first->value().size());
      if (value != forwarded_value_) {
        std::string error;
        forwarded_ = forwarded_certificate(value, shared_.options.client_cas.get(), error);
        forwarded_value_ = value;
        if (!error.empty()) {
          forwarded_value_.clear();
          return send_error(400, "The proxy forwarded a client certificate that cannot be read: " + error + ".");
        }
      }
      request.client_certificate = forwarded_.get();
    }
    // Logs and metrics name the route, never the path: a path may hold anything a client sent.
    route_ = shared_.router.route_info(request);
    context_.method = request.method;
    context_.route = route_.name;
    context_.client_id.clear();
    context_.status = 0;
    context_.duration_us = -1;
    observe::assign_request_id(context_.request_id, offered_id);

    observe::RequestScope scope(context_);
    try {
      shared_.router.route(request, [self = this->shared_from_this()](Response r) { self->on_response(std::move(r)); });
    } catch (const std::exception& e) {
      spdlog::error("request handler failed on {} {}: {}", request.method, route_.name, e.what());
      on_response(json_error(500, "server_error", "The server failed to handle the request."));
    }
  }

  // Called once per request, on this session's thread, possibly after the handler returned.
  void on_response(Response response) {
    const auto& req = parser_->get();
    auto took = std::chrono::steady_clock::now() - started_;
    observe::Metrics::instance().record_request(route_.metric, response.status, response.error,
                                                response.upstream_failure,
                                                std::chrono::duration_cast<std::chrono::nanoseconds>(took));
    if (shared_.options.access_log) {
      context_.status = response.status;
      context_.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
      observe::RequestScope scope(context_);
      spdlog::debug("{} {} {} {}us", req.method_string(), route_.name, response.status, context_.duration_us);
    }
    bool keep_alive = req.keep_alive() && !shared_.stopping.load(std::memory_order_relaxed);
    bool head = req.method() == bhttp::verb::head;  // RFC 9110 §9.3.2: the head only
    write_response(std::move(response), req.version(), keep_alive, head, context_.request_id);
  }

  void send_error(int status, std::string message) {
    // invalid_request: the RFC 6749 §5.2 code that OAuth clients know for a request they got wrong.
    observe::Metrics::instance().record_request(0, status, "invalid_request", false, std::chrono::nanoseconds(0));
    write_response(json_error(status, "invalid_request", message), 11, /*keep_alive=*/false);
  }

  void write_response(Response response, unsigned version, bool keep_alive, bool head_only = false,
                      std::string_view request_id = {}) {
    write_response_head(response, version, keep_alive, head_, request_id);
    body_ = std::move(response.body);
    if (head_only) body_.clear();
    lowest().expires_after(shared_.options.request_timeout);
    std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
    net::async_write(stream_, buffers, [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
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
    if constexpr (kTls) {
      // close_notify (RFC 8446 §6.1) before the TCP half-close, bounded in time.
      lowest().expires_after(std::chrono::seconds(2));
      return stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
    }
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    lowest().expires_after(std::chrono::seconds(2));
    drain_ = std::make_unique<char[]>(4096);
    drain_some(0);
  }

  void drain_some(size_t total) {
    stream_.async_read_some(net::buffer(drain_.get(), 4096),
                            [self = this->shared_from_this(), total](beast::error_code ec, std::size_t n) {
                              if (ec || total + n > 1024 * 1024) return self->close();
                              self->drain_some(total + n);
                            });
  }

  void close() {
    beast::error_code ec;
    lowest().socket().close(ec);
  }

  std::shared_ptr<net::ssl::context> tls_;  // what stream_ was made with: kept while it lives
  Stream stream_;
  ThreadState& thread_;
  Shared& shared_;
  beast::flat_buffer buffer_{8192};
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string head_;  // the response being written; reused, so its capacity stays
  std::string body_;
  std::unique_ptr<char[]> drain_;
  std::chrono::steady_clock::time_point started_;
  RouteInfo route_;                 // the request's route; its name is in the router's own strings
  observe::RequestContext context_;  // for log lines about the request in hand
  std::string peer_;             // the peer's IP address
  bool peer_trusted_ = false;    // a trusted proxy: its X-Forwarded-For names the client
  bool reading_ = false;
};

}  // namespace

void start_session(Socket socket, ThreadState& thread, Shared& shared, std::shared_ptr<net::ssl::context> tls) {
  std::shared_ptr<SessionBase> session;
  if (tls) {
    auto s = std::make_shared<Session<TlsStream>>(thread, shared, TcpStream(std::move(socket)), *tls);
    s->keep(std::move(tls));
    // Moved, not copied: the accepting thread must not hold the last reference, or the session
    // would be destroyed there and touch the other thread's session set.
    net::dispatch(thread.ioc, [s = std::move(s)] { s->start(); });
  } else {
    auto s = std::make_shared<Session<PlainStream>>(thread, shared, std::move(socket));
    net::dispatch(thread.ioc, [s = std::move(s)] { s->start(); });
  }
}

}  // namespace tokengate::http
