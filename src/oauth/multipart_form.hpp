#pragma once
// multipart/form-data (RFC 7578) with text fields only: what the Aspose.Cells Cloud SDK 23.x's
// oAuthPost sends to /{version}/connect/token instead of an RFC 6749 form. Accepted on the SDK
// routes only; every malformation is refused with a sentence naming it.
#include <optional>
#include <string>
#include <string_view>

#include "oauth/form.hpp"

namespace tokengate::oauth {

// True if `content_type` is multipart/form-data (any case, any parameters).
bool is_multipart_form(std::string_view content_type);

// The fields of `body`, framed by the boundary in `content_type`; nullopt and `error` set when the
// boundary is missing or the body is not well-formed multipart/form-data of named text fields, or
// a field repeats (RFC 6749 §3.2).
std::optional<FormParams> parse_multipart_form(std::string_view content_type, std::string_view body, std::string& error);

}  // namespace tokengate::oauth
