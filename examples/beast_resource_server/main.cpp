// beast_resource_server: an API that accepts only access tokens tokengate issued for it.
// Each request's Bearer token goes through tokengate::Verifier: a known key, or a token seen
// before, is answered at once (try_verify, no I/O); otherwise the verifier fetches on its own
// thread and the answer comes back to the connection's strand.
//
//   beast_resource_server PORT ISSUER AUDIENCE
//   curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:PORT/hello
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <iostream>
#include <memory>

#include "tokengate/verifier.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, tokengate::Verifier& verifier)
      : stream_(std::move(socket)), strand_(net::make_strand(stream_.get_executor())), verifier_(verifier) {}

  void start() { read(); }

 private:
  void read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec) self->handle();
    });
  }

  void handle() {
    std::string_view auth = request_[http::field::authorization];
    if (!auth.starts_with("Bearer ")) return reply(http::status::unauthorized, "send Authorization: Bearer <token>\n");
    std::string token(auth.substr(7));
    if (auto now = verifier_.try_verify(token)) return answer(*now);
    verifier_.async_verify(token, [self = shared_from_this()](tokengate::VerifyResult r) {
      net::post(self->strand_, [self, r = std::move(r)] { self->answer(r); });
    });
  }

  void answer(const tokengate::VerifyResult& r) {
    if (!r) return reply(http::status::unauthorized, "invalid token: " + r.message() + "\n");
    reply(http::status::ok, "hello, " + r.claims().subject() + "\n");
  }

  void reply(http::status status, std::string body) {
    auto res = std::make_shared<http::response<http::string_body>>(status, request_.version());
    res->set(http::field::content_type, "text/plain");
    if (status == http::status::unauthorized) res->set(http::field::www_authenticate, "Bearer");
    res->body() = std::move(body);
    res->keep_alive(request_.keep_alive());
    res->prepare_payload();
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      if (!ec && res->keep_alive()) self->read();
    });
  }

  beast::tcp_stream stream_;
  net::strand<net::any_io_executor> strand_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  tokengate::Verifier& verifier_;
};

void accept(tcp::acceptor& acceptor, tokengate::Verifier& verifier) {
  acceptor.async_accept([&](beast::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<Session>(std::move(socket), verifier)->start();
    accept(acceptor, verifier);
  });
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: beast_resource_server PORT ISSUER AUDIENCE\n";
    return 2;
  }
  tokengate::Verifier verifier({.issuer = argv[2], .audience = argv[3]});
  net::io_context io;
  tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(argv[1]))});
  std::cerr << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  accept(acceptor, verifier);
  io.run();
}
