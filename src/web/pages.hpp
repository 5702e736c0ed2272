#pragma once
// The web pages: on the public listener the OpenAPI document of its routes (/openapi.json) and an
// interactive page to read and call them (/docs, Swagger UI); on the admin listener the console
// (/console), the admin API's document (/admin/v1/openapi.json) and its own /docs. Served from the
// files built into the binary (web/assets.hpp), with ETags, and a Content-Security-Policy that
// lets a page load and call nothing but this server.
#include "http/router.hpp"

namespace tokengate::web {

void add_public_pages(http::Router& router);
void add_admin_pages(http::Router& router);

}  // namespace tokengate::web
