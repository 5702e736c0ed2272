#include "oauth/multipart_form.hpp"

#include <vector>

#include "common/ascii.hpp"
#include "common/echo.hpp"

namespace tokengate::oauth {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
  return v;
}

// The value of parameter `name` in "type; a=b; name=value" (RFC 9110 §5.6.6), or nullopt.
std::optional<std::string_view> parameter(std::string_view header_value, std::string_view name) {
  size_t semi = header_value.find(';');
  while (semi != std::string_view::npos) {
    std::string_view rest = header_value.substr(semi + 1);
    size_t next = rest.find(';');
    std::string_view param = trim(rest.substr(0, next));
    size_t eq = param.find('=');
    if (eq != std::string_view::npos && common::iequals(trim(param.substr(0, eq)), name))
      return unquote(trim(param.substr(eq + 1)));
    semi = next == std::string_view::npos ? next : semi + 1 + next;
  }
  return std::nullopt;
}

}  // namespace

bool is_multipart_form(std::string_view content_type) {
  return common::iequals(trim(content_type.substr(0, content_type.find(';'))), "multipart/form-data");
}

std::optional<FormParams> parse_multipart_form(std::string_view content_type, std::string_view body, std::string& error) {
  auto fail = [&error](std::string why) {
    error = "The multipart/form-data body is malformed: " + why + " (RFC 7578).";
    return std::nullopt;
  };
  auto boundary = parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) return fail("the boundary parameter is missing or invalid");
  std::string delimiter = "--" + std::string(*boundary);

  // The body: preamble, then delimiter CRLF part CRLF delimiter ... "--" (RFC 2046 §5.1.1).
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return fail("it does not contain the boundary");
  std::vector<std::pair<std::string, std::string>> fields;
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") break;  // the close delimiter
    if (body.substr(at, 2) != "\r\n") return fail("a boundary is not followed by CRLF");
    at += 2;
    size_t headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) return fail("a part has no blank line after its headers");
    std::string_view headers = body.substr(at, headers_end - at);
    size_t content_start = headers_end + 4;
    size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) return fail("a part is not closed by the boundary");
    std::string_view content = body.substr(content_start, next - content_start);

    std::optional<std::string_view> name;
    while (!headers.empty()) {
      size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) return fail("a part header has no ':'");
      std::string_view header_name = trim(line.substr(0, colon));
      std::string_view value = trim(line.substr(colon + 1));
      if (common::iequals(header_name, "Content-Disposition")) {
        if (!common::iequals(trim(value.substr(0, value.find(';'))), "form-data"))
          return fail("a part's Content-Disposition is not form-data");
        if (parameter(value, "filename")) return fail("a part is a file; only text fields are accepted");
        name = parameter(value, "name");
      }
    }
    if (!name || name->empty()) return fail("a part has no Content-Disposition name");
    fields.emplace_back(std::string(*name), std::string(content));
    at = next + 2;
  }
  FormParams form(std::move(fields));
  if (auto repeated = form.repeated_name()) {
    error = "The parameter '" + common::safe_echo(*repeated) +
            "' is repeated; each parameter may appear only once (RFC 6749 §3.2).";
    return std::nullopt;
  }
  return form;
}

}  // namespace tokengate::oauth
