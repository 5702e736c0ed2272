#include "oauth/form.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse_query.hpp>

namespace tokengate::oauth {

std::optional<FormParams> FormParams::parse(std::string_view text, std::string& error) {
  FormParams form;
  if (text.empty()) return form;
  auto parsed = boost::urls::parse_query(text);
  if (!parsed) {
    error = "The parameters are not validly application/x-www-form-urlencoded (malformed percent-encoding "
            "or a character that must be escaped).";
    return std::nullopt;
  }
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;  // '+' is a space in form encoding (HTML §4.10.21.8)
  for (auto param : *parsed) {
    std::string key = param.key.decode(opts);
    std::string value = param.has_value ? param.value.decode(opts) : std::string();
    if (key.empty() && value.empty()) continue;  // "a=1&&b=2"
    for (const auto& [k, v] : form.params_) {
      if (k == key) {
        error = "The parameter '" + key + "' is repeated; each parameter may appear only once (RFC 6749 §3.2).";
        return std::nullopt;
      }
    }
    form.params_.emplace_back(std::move(key), std::move(value));
  }
  return form;
}

std::optional<std::string_view> FormParams::get(std::string_view name) const {
  for (const auto& [k, v] : params_) {
    if (k == name) return v.empty() ? std::nullopt : std::optional<std::string_view>(v);
  }
  return std::nullopt;
}

}  // namespace tokengate::oauth
