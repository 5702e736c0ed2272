#pragma once
// application/x-www-form-urlencoded parameters (the token request body, RFC 6749 §4.4.2 and
// Appendix B), also used for the query string of the Cells Cloud route.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokengate::oauth {

class FormParams {
 public:
  FormParams() = default;
  // Already decoded pairs, names unique (from another encoding: multipart/form-data).
  explicit FormParams(std::vector<std::pair<std::string, std::string>> params) : params_(std::move(params)) {}

  // Decodes `text`; on malformed percent-encoding or a parameter that appears twice (RFC 6749
  // §3.2) returns nullopt and sets `error` to a sentence naming the problem.
  static std::optional<FormParams> parse(std::string_view text, std::string& error);

  // Percent-decodes one key or value ('+' is a space); nullopt on malformed percent-encoding.
  static std::optional<std::string> decode_component(std::string_view piece);

  // The decoded value, or nullopt if absent. A parameter sent without a value counts as absent
  // (RFC 6749 §3.1).
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  // The first name that appears twice, if any.
  std::optional<std::string_view> repeated_name() const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace tokengate::oauth
