#include "web/pages.hpp"

#include <stdexcept>
#include <string>

#include "http/conditional.hpp"
#include "web/assets.hpp"

namespace tokengate::web {
namespace {

// Scripts, styles, images and requests: this origin only ('unsafe-inline' styles: Swagger UI sets
// style attributes). No framing (clickjacking of the console).
constexpr const char* kPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

http::Response serve(const Asset& asset, const http::Request& request) {
  http::Response r;
  std::string_view etag = asset_etag(asset);
  r.header("ETag", std::string(etag));
  r.header("Cache-Control", "no-cache");  // revalidated each time: a new binary serves new files at once
  if (asset.content_type.starts_with("text/html")) {
    r.header("Content-Security-Policy", kPolicy);
    r.header("Referrer-Policy", "no-referrer");
  }
  if (http::etag_matches(request.if_none_match, etag)) {  // RFC 9110 §13.1.2
    r.status = 304;
    r.content_type = {};
    return r;
  }
  r.content_type = asset.content_type;
  r.body.assign(asset.body);
  return r;
}

// GET `path` answers with the built-in file `name`.
void page(http::Router& router, std::string path, std::string_view name) {
  const Asset* asset = find_asset(name);
  if (!asset) throw std::logic_error("web asset " + std::string(name) + " is not built in");
  router.add("GET", std::move(path), [asset](const http::Request& request) { return serve(*asset, request); });
}

void add_docs_files(http::Router& router) {
  for (const char* file : {"docs.js", "docs.css", "swagger-ui-bundle.js", "swagger-ui.css"})
    page(router, std::string("/docs/") + file, std::string("docs/") + file);
}

}  // namespace

void add_public_pages(http::Router& router) {
  page(router, "/openapi.json", "openapi/public.json");
  page(router, "/docs", "docs/index.html");
  add_docs_files(router);
}

void add_admin_pages(http::Router& router) {
  page(router, "/admin/v1/openapi.json", "openapi/admin.json");
  page(router, "/docs", "docs/admin.html");
  add_docs_files(router);
  page(router, "/console", "console/index.html");
  page(router, "/console/console.js", "console/console.js");
  page(router, "/console/console.css", "console/console.css");
}

}  // namespace tokengate::web
