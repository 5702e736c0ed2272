// The form and query decoder (application/x-www-form-urlencoded) and the multipart/form-data parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "oauth/form.hpp"
#include "oauth/multipart_form.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  if (auto form = tokengate::oauth::FormParams::parse(text, error)) {
    form->get("grant_type");
    form->repeated_name();
  }
  tokengate::oauth::FormParams::decode_component(text);
  // The first line is the Content-Type, the rest the body.
  size_t nl = text.find('\n');
  std::string_view type = text.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  if (tokengate::oauth::is_multipart_form(type)) tokengate::oauth::parse_multipart_form(type, body, error);
  return 0;
}
