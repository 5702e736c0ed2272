#include "common/form_encoding.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "common/base64url.hpp"

namespace tokengate::common {

std::string form_encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

void append_form_param(std::string& form, std::string_view name, std::optional<std::string_view> value) {
  if (!value) return;
  if (!form.empty()) form += '&';
  form += name;
  form += '=';
  form += form_encode(*value);
}

std::string basic_authorization(std::string_view client_id, std::string_view client_secret) {
  return "Basic " + common::base64_encode(form_encode(client_id) + ":" + form_encode(client_secret));
}

}  // namespace tokengate::common
