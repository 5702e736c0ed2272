#include "proxy/upstream_client.hpp"

#include <deque>
#include <optional>
#include <random>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include "http/event_loop.hpp"
#include "proxy/proxy_metrics.hpp"
#include "observe/recent_stats.hpp"

namespace tokengate::proxy {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};

// One thread's connections to one upstream. Only that thread touches it: no lock.
struct ThreadPool {
  std::vector<std::unique_ptr<Connection>> idle;
  size_t busy = 0;  // connections out on a call (or being opened)
  std::deque<std::shared_ptr<net::steady_timer>> waiting;  // calls waiting for a free slot
};

std::chrono::milliseconds jittered_backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  int base = 100 << attempt;  // 100 ms, 200 ms
  std::uniform_int_distribution<int> dist(base / 2, base);
  return std::chrono::milliseconds(dist(rng));
}

// Where one request goes, parsed from its URL.
struct Target {
  bool tls = false;
  std::string host, port, path, host_header;
  bool host_is_name = true;
  std::string origin() const { return (tls ? "https://" : "http://") + host_header; }
};

Target parse_target(std::string_view what, const std::string& url_text) {
  auto url = boost::urls::parse_uri(url_text);
  if (!url) throw std::invalid_argument(std::string(what) + " is not a valid URL: " + url_text);
  std::string scheme(url->scheme());
  if (scheme != "http" && scheme != "https") throw std::invalid_argument(std::string(what) + " must be http:// or https://");
  Target t;
  t.tls = scheme == "https";
  t.host = std::string(url->host_address());
  if (t.host.empty()) throw std::invalid_argument(std::string(what) + " has no host");
  t.port = url->has_port() ? std::string(url->port()) : (t.tls ? "443" : "80");
  t.path = std::string(url->encoded_path());
  if (t.path.empty()) t.path = "/";
  if (url->has_query()) t.path += "?" + std::string(url->encoded_query());
  bool default_port = t.port == (t.tls ? "443" : "80");
  bool v6 = url->host_type() == boost::urls::host_type::ipv6;
  t.host_is_name = url->host_type() == boost::urls::host_type::name;
  t.host_header = (v6 ? "[" + t.host + "]" : t.host) + (default_port ? "" : ":" + t.port);
  return t;
}

}  // namespace

void check_upstream_url(std::string_view what, const std::string& url) { parse_target(what, url); }

struct UpstreamClient::Impl : std::enable_shared_from_this<UpstreamClient::Impl> {
  UpstreamOptions options;
  CircuitBreaker& breaker;
  net::ssl::context ssl_ctx{net::ssl::context::tls_client};
  observe::RecentStats stats;
  const uint64_t id = next_id();

  static uint64_t next_id() {
    static std::atomic<uint64_t> n{0};
    return ++n;
  }

  Impl(UpstreamOptions o, CircuitBreaker& b) : options(std::move(o)), breaker(b) {
    error_code ec;
    if (options.ca_file.empty()) ssl_ctx.set_default_verify_paths(ec);
    else ssl_ctx.load_verify_file(options.ca_file, ec);
    if (ec) throw std::runtime_error("cannot load the CA certificates (" + options.ca_file + "): " + ec.message());
    ssl_ctx.set_verify_mode(net::ssl::verify_peer);  // never skipped
  }

  // This thread's connections to one origin of this client. Only this thread touches them: no lock.
  ThreadPool& pool(const Target& t) {
    thread_local std::unordered_map<std::string, ThreadPool> pools;
    auto [it, inserted] = pools.try_emplace(std::to_string(id) + " " + t.origin());
    if (inserted) http::at_event_loop_exit([] { pools.clear(); });  // close sockets while the loop exists
    return it->second;
  }

  // A connection slot: an idle connection, or nullptr meaning "open a new one". nullopt on timeout.
  net::awaitable<std::optional<std::unique_ptr<Connection>>> acquire(const Target& t, Clock::time_point deadline) {
    ThreadPool& p = pool(t);
    for (;;) {
      if (!p.idle.empty()) {
        auto c = std::move(p.idle.back());
        p.idle.pop_back();
        ++p.busy;
        co_return std::optional<std::unique_ptr<Connection>>(std::move(c));
      }
      if (p.busy < options.max_connections) {
        ++p.busy;
        co_return std::optional<std::unique_ptr<Connection>>(nullptr);
      }
      auto timer = std::make_shared<net::steady_timer>(co_await net::this_coro::executor, deadline);
      p.waiting.push_back(timer);
      error_code ec;
      co_await timer->async_wait(net::redirect_error(net::use_awaitable, ec));
      if (!ec) co_return std::nullopt;  // the deadline passed; release() removes nothing, the timer is done
    }
  }

  void release(const Target& t, std::unique_ptr<Connection> c, bool reusable) {
    ThreadPool& p = pool(t);
    --p.busy;
    if (c && reusable && p.idle.size() < options.max_connections) p.idle.push_back(std::move(c));
    while (!p.waiting.empty()) {
      auto t = p.waiting.front();
      p.waiting.pop_front();
      if (t->cancel() > 0) break;  // woke a waiter; expired ones are skipped
    }
  }

  static UpstreamResult fail(UpstreamResult::Outcome outcome, std::string detail) {
    UpstreamResult r;
    r.outcome = outcome;
    r.detail = std::move(detail);
    return r;
  }

  net::awaitable<std::unique_ptr<Connection>> connect(const Target& t, Clock::time_point deadline,
                                                      UpstreamResult& failure) {
    auto executor = co_await net::this_coro::executor;
    error_code ec;
    tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(t.host, t.port, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      failure = fail(UpstreamResult::Outcome::unreachable, "cannot resolve " + t.host + ": " + ec.message());
      co_return nullptr;
    }
    auto c = std::make_unique<Connection>();
    if (t.tls) c->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, ssl_ctx);
    else c->plain = std::make_unique<beast::tcp_stream>(executor);

    auto connect_by = std::min(deadline, Clock::now() + options.connect_timeout);
    c->lowest().expires_at(connect_by);
    co_await c->lowest().async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      bool out_of_time = Clock::now() >= deadline;
      failure = fail(out_of_time ? UpstreamResult::Outcome::timeout : UpstreamResult::Outcome::unreachable,
                     ec == beast::error::timeout ? "connecting timed out" : ec.message());
      co_return nullptr;
    }
    c->lowest().socket().set_option(tcp::no_delay(true), ec);
    if (t.tls) {
      // SNI, and the certificate must name the host (RFC 6125).
      // (RFC 6066 §3: SNI names hosts; an IP address is not sent.)
      if (t.host_is_name && !SSL_set_tlsext_host_name(c->secure->native_handle(), t.host.c_str())) {
        failure = fail(UpstreamResult::Outcome::tls_failed, "cannot set the server name");
        co_return nullptr;
      }
      c->secure->set_verify_callback(net::ssl::host_name_verification(t.host));
      c->lowest().expires_at(deadline);
      co_await c->secure->async_handshake(net::ssl::stream_base::client, net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        failure = ec == beast::error::timeout ? fail(UpstreamResult::Outcome::timeout, "TLS handshake timed out")
                                              : fail(UpstreamResult::Outcome::tls_failed, ec.message());
        co_return nullptr;
      }
    }
    co_return c;
  }

  template <class Stream>
  static net::awaitable<void> exchange(Stream& stream, beast::flat_buffer& buffer, bhttp::request<bhttp::string_body>& req,
                                       bhttp::response_parser<bhttp::string_body>& parser, error_code& ec) {
    co_await bhttp::async_write(stream, req, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    co_await bhttp::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
  }

  // One request on one connection. `fresh_retry` is set when a pooled connection turned out to be
  // closed by the upstream before it answered: the caller tries again on a new one.
  net::awaitable<UpstreamResult> attempt(const Target& t, bhttp::request<bhttp::string_body>& req,
                                         Clock::time_point deadline) {
    for (int stale_retries = 0;; ++stale_retries) {
      auto slot = co_await acquire(t, deadline);
      if (!slot) {
        UpstreamResult r = fail(UpstreamResult::Outcome::timeout, "no free upstream connection before the deadline");
        r.local = true;
        co_return r;
      }
      std::unique_ptr<Connection> c = std::move(*slot);
      bool reused = c != nullptr;
      if (!c) {
        UpstreamResult failure;
        c = co_await connect(t, deadline, failure);
        if (!c) {
          release(t, nullptr, false);
          co_return failure;
        }
      }
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(64 * 1024);
      parser.header_limit(16 * 1024);
      c->lowest().expires_at(deadline);
      error_code ec;
      if (c->secure) co_await exchange(*c->secure, c->buffer, req, parser, ec);
      else co_await exchange(*c->plain, c->buffer, req, parser, ec);

      if (!ec) {
        UpstreamResult r;
        r.outcome = UpstreamResult::Outcome::response;
        r.status = static_cast<int>(parser.get().result_int());
        r.retry_after = std::string(parser.get()[bhttp::field::retry_after]);
        r.dpop_nonce = std::string(parser.get()["DPoP-Nonce"]);
        r.body = std::move(parser.get().body());
        release(t, parser.get().keep_alive() ? std::move(c) : nullptr, parser.get().keep_alive());
        co_return r;
      }
      release(t, nullptr, false);
      if (ec == beast::error::timeout || Clock::now() >= deadline)
        co_return fail(UpstreamResult::Outcome::timeout, "no answer before the deadline");
      if (!parser.got_some()) {
        if (reused && stale_retries < 2) continue;  // the upstream had closed the idle connection
        co_return fail(UpstreamResult::Outcome::unreachable, "the connection closed before an answer: " + ec.message());
      }
      co_return fail(UpstreamResult::Outcome::broken, ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()
                                                          ? "not valid HTTP: " + ec.message()
                                                          : "the connection closed mid-answer");
    }
  }

  net::awaitable<UpstreamResult> call(Target t, UpstreamRequest request) {
    auto deadline = Clock::now() + options.deadline;
    bool post = request.method == UpstreamRequest::Method::post;
    bhttp::request<bhttp::string_body> req{post ? bhttp::verb::post : bhttp::verb::get, t.path, 11};
    req.set(bhttp::field::host, t.host_header);
    req.set(bhttp::field::user_agent, "tokengate/" TOKENGATE_VERSION);
    req.set(bhttp::field::accept, "application/json");
    if (post) req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
    if (!request.authorization.empty()) req.set(bhttp::field::authorization, request.authorization);
    if (!request.forwarded_for.empty()) req.set("X-Forwarded-For", request.forwarded_for);
    if (!request.dpop.empty()) req.set("DPoP", request.dpop);
    if (!request.certificate_header.empty()) req.set(request.certificate_header, request.certificate);
    req.body() = std::move(request.form);
    req.prepare_payload();

    auto executor = co_await net::this_coro::executor;
    for (int attempt_no = 0;; ++attempt_no) {
      std::chrono::milliseconds wait{0};
      if (!breaker.allow(Clock::now(), wait)) {
        UpstreamResult r = fail(UpstreamResult::Outcome::circuit_open, "circuit open");
        r.wait = wait;
        co_return r;
      }
      UpstreamResult r;
      try {
        r = co_await attempt(t, req, deadline);
      } catch (...) {  // every allowed call reports, or a half-open breaker would wait forever
        breaker.record_failure(Clock::now());
        throw;
      }
      // Waiting for a local connection slot says nothing about the upstream's health.
      if (r.local) breaker.release_probe();
      else if (is_upstream_failure(r)) breaker.record_failure(Clock::now());
      else breaker.record_success();
      if (!is_retryable(r) || attempt_no >= options.max_retries) co_return r;
      auto pause = jittered_backoff(attempt_no);
      if (Clock::now() + pause >= deadline) co_return r;
      net::steady_timer timer(executor, pause);
      error_code ec;
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
  }
};

UpstreamClient::UpstreamClient(UpstreamOptions options, CircuitBreaker& breaker)
    : impl_(std::make_shared<Impl>(std::move(options), breaker)) {}

UpstreamClient::~UpstreamClient() = default;

const UpstreamOptions& UpstreamClient::options() const { return impl_->options; }

observe::RecentStats::Summary UpstreamClient::recent() const { return impl_->stats.summary(); }

namespace {

void count_call(const UpstreamResult& r, Clock::duration took) {
  count_upstream_call(r.outcome, std::chrono::duration_cast<std::chrono::nanoseconds>(took));
}

}  // namespace

void UpstreamClient::send(net::io_context& loop, UpstreamRequest request, std::function<void(UpstreamResult)> done) {
  Target target;
  try {
    target = parse_target("the upstream URL", request.url);
  } catch (const std::invalid_argument& e) {  // e.g. a jwks_uri from metadata: not the upstream's failure
    return done(Impl::fail(UpstreamResult::Outcome::unreachable, e.what()));
  }
  auto started = Clock::now();
  net::co_spawn(loop, impl_->call(std::move(target), std::move(request)),
                [impl = impl_, done = std::move(done), started](std::exception_ptr e, UpstreamResult r) {
                  if (e) r = Impl::fail(UpstreamResult::Outcome::broken, "internal error in the upstream client");
                  auto took = Clock::now() - started;
                  impl->stats.record(!is_upstream_failure(r) && r.outcome != UpstreamResult::Outcome::circuit_open, took);
                  count_call(r, took);
                  done(std::move(r));
                });
}

}  // namespace tokengate::proxy
