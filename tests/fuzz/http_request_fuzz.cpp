// The HTTP request path without sockets: Beast parses the bytes as the session does (limits
// included), the framing check runs, and the request goes through the real routes to the issuer,
// whose snapshots hold a client and a key. Whatever arrives: an answer, never a crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/secret_digest.hpp"
#include "front/routes.hpp"
#include "http/beast_request.hpp"
#include "issuer/issuer_mode.hpp"
#include "issuer/key_rotation.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

using namespace tokengate;
namespace bhttp = boost::beast::http;

struct World {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("tokengate-http-fuzz-" + std::to_string(::getpid()));
  std::unique_ptr<store::sqlite::SqliteStore> store;
  issuer::IssuerState state{{"http://issuer.test", "http://issuer.test", 600}};
  std::unique_ptr<store::StoreWatcher> watcher;
  std::unique_ptr<issuer::IssuerMode> mode;
  limits::ClientLimits limits{{}};
  std::unique_ptr<front::Routes> routes;
  http::Router router;
  boost::asio::io_context loop;

  World() {
    std::filesystem::create_directories(dir);
    store = std::make_unique<store::sqlite::SqliteStore>((dir / "tokengate.db").string());
    store::ClientRecord c;
    c.id = "client";
    c.name = "c";
    c.generation = "gen";
    c.secret_digest = common::digest_secret("secret");
    c.scopes = {"read"};
    state.clients.publish(std::make_shared<const store::ClientSnapshot>(std::vector{c}));
    state.keys.publish(issuer::KeySet::build({issuer::generate_key_record(jose::Algorithm::ES256, 1)}, 2));
    watcher = std::make_unique<store::StoreWatcher>(*store, [] { return int64_t{0}; });
    mode = std::make_unique<issuer::IssuerMode>(state, *watcher, *store);
    routes = std::make_unique<front::Routes>(*mode, front::ClientGate{&limits, nullptr});
    routes->set_issuer("http://issuer.test");
    routes->add_to(router);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  if (size == 0) return 0;  // memcpy from a null `data` is undefined
  boost::beast::flat_buffer buffer;
  auto bytes = buffer.prepare(size);
  std::memcpy(bytes.data(), data, size);
  buffer.commit(size);
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(16 * 1024);
  parser.header_limit(8 * 1024);
  boost::system::error_code ec;
  parser.eager(true);
  parser.put(buffer.data(), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& req = parser.get();
  if (http::check_framing(http::head_of(req)).kind == http::FramingVerdict::refuse || !parser.is_done()) return 0;

  std::string_view offered_id;
  http::Request request = http::request_of(req, offered_id);
  request.loop = &world.loop;
  request.client_address = "127.0.0.1";
  world.router.route(request, [](http::Response) {});
  world.loop.restart();
  world.loop.poll();
  return 0;
}
