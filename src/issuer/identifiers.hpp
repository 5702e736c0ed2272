#pragma once
// The identifiers the issuer mints: client IDs and token IDs (`jti`).
#include <string>

namespace tokengate::issuer {

std::string generate_client_id();  // a random (version 4) UUID, as Aspose client IDs are
std::string generate_token_id();   // 128 random bits, base64url: the `jti` claim (RFC 7519 §4.1.7)

}  // namespace tokengate::issuer
