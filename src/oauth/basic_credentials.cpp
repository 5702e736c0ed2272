#include "oauth/basic_credentials.hpp"

#include "common/ascii.hpp"
#include "common/base64url.hpp"
#include "oauth/form.hpp"

namespace tokengate::oauth {
BasicParse parse_basic_authorization(std::string_view header, BasicCredentials& out, std::string& error) {
  size_t space = header.find(' ');
  std::string_view scheme = header.substr(0, space);
  if (!common::iequals(scheme, "basic")) return BasicParse::not_basic;
  std::string_view token = space == std::string_view::npos ? std::string_view() : header.substr(space + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);

  auto decoded = common::base64_decode(token);
  if (!decoded || decoded->empty()) {
    error = "The Basic Authorization header is not valid base64 (RFC 7617 §2).";
    return BasicParse::malformed;
  }
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) {
    error = "The Basic Authorization header has no ':' between client ID and secret (RFC 7617 §2).";
    return BasicParse::malformed;
  }
  auto id = FormParams::decode_component(std::string_view(*decoded).substr(0, colon));
  auto secret = FormParams::decode_component(std::string_view(*decoded).substr(colon + 1));
  if (!id || !secret) {
    error = "The client ID or secret in the Basic Authorization header has malformed percent-encoding "
            "(RFC 6749 §2.3.1).";
    return BasicParse::malformed;
  }
  out.id = std::move(*id);
  out.secret = std::move(*secret);
  return BasicParse::ok;
}

}  // namespace tokengate::oauth
