// The HTTP Basic client authentication parser and the Bearer token extractor.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "oauth/basic_credentials.hpp"
#include "oauth/bearer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view header(reinterpret_cast<const char*>(data), size);
  tokengate::oauth::BasicCredentials creds;
  std::string error;
  tokengate::oauth::parse_basic_authorization(header, creds, error);
  tokengate::http::Request request;
  request.authorization = header;
  request.authorization_count = 1;
  tokengate::oauth::bearer_token(request);
  return 0;
}
