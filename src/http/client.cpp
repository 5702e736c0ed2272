#include "http/client.hpp"

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

namespace tokengate::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

struct Target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // path and query
};

Target parse_target(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) throw ClientError("'" + url + "' is not a valid URL");
  Target t;
  std::string scheme(parsed->scheme());
  if (scheme == "https") t.tls = true;
  else if (scheme != "http") throw ClientError("'" + url + "' is not an http:// or https:// URL");
  t.host = std::string(parsed->host_address());
  if (t.host.empty()) throw ClientError("'" + url + "' has no host");
  t.port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
  t.path = std::string(parsed->encoded_path());
  if (t.path.empty()) t.path = "/";
  if (parsed->has_query()) t.path += "?" + std::string(parsed->encoded_query());
  return t;
}

bhttp::request<bhttp::string_body> build_request(const ClientRequest& request, const Target& target) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(request.method);
  req.target(target.path);
  req.version(11);
  bool default_port = target.port == (target.tls ? "443" : "80");
  req.set(bhttp::field::host, default_port ? target.host : target.host + ":" + target.port);
  req.set(bhttp::field::user_agent, "tokengate/" TOKENGATE_VERSION);
  req.set(bhttp::field::accept, "application/json");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = request.body;
  req.prepare_payload();
  return req;
}

template <class Stream>
net::awaitable<void> exchange(Stream& stream, bhttp::request<bhttp::string_body>& req, ClientResponse& out) {
  co_await bhttp::async_write(stream, req, net::use_awaitable);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(1024 * 1024);
  co_await bhttp::async_read(stream, buffer, parser, net::use_awaitable);
  out.status = parser.get().result_int();
  out.content_type = std::string(parser.get()[bhttp::field::content_type]);
  out.body = std::move(parser.get().body());
}

net::awaitable<void> run(const ClientRequest& request, const Target& target, ClientResponse& out) {
  auto executor = co_await net::this_coro::executor;
  tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(target.host, target.port, net::use_awaitable);
  auto req = build_request(request, target);
  if (!target.tls) {
    beast::tcp_stream stream(executor);
    stream.expires_after(request.timeout);
    co_await stream.async_connect(endpoints, net::use_awaitable);
    co_await exchange(stream, req, out);
    co_return;
  }
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.set_default_verify_paths();
  ctx.set_verify_mode(net::ssl::verify_peer);
  ctx.set_verify_callback(net::ssl::host_name_verification(target.host));
  beast::ssl_stream<beast::tcp_stream> stream(executor, ctx);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), target.host.c_str()))
    throw ClientError("cannot set the TLS server name for " + target.host);
  beast::get_lowest_layer(stream).expires_after(request.timeout);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, net::use_awaitable);
  co_await stream.async_handshake(net::ssl::stream_base::client, net::use_awaitable);
  co_await exchange(stream, req, out);
}

}  // namespace

ClientResponse send(const ClientRequest& request) {
  Target target = parse_target(request.url);
  net::io_context ioc;
  ClientResponse out;
  std::exception_ptr failure;
  net::co_spawn(ioc, run(request, target, out), [&failure](std::exception_ptr e) { failure = e; });
  ioc.run_for(request.timeout + std::chrono::seconds(1));
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
      std::string what = e.code() == beast::error::timeout ? "timed out" : e.code().message();
      throw ClientError("request to " + target.host + ":" + target.port + " failed: " + what);
    }
  }
  if (out.status == 0) throw ClientError("request to " + target.host + ":" + target.port + " timed out");
  return out;
}

}  // namespace tokengate::http
