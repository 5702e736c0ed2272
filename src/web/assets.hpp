#pragma once
// The files the web pages are made of (HTML, CSS, JavaScript, the OpenAPI documents, Swagger UI),
// built into the binary by cmake/web_assets.cmake: the server needs nothing beside it.
#include <span>
#include <string_view>

namespace tokengate::web {

struct Asset {
  std::string_view name;          // "docs/index.html", "openapi/public.json", ...
  std::string_view content_type;  // a literal
  std::string_view body;
};

std::span<const Asset> all_assets();            // generated
const Asset* find_asset(std::string_view name);  // null if there is none
std::string_view asset_etag(const Asset& asset);  // a strong validator of its bytes (RFC 9110 §8.8.3)

}  // namespace tokengate::web
