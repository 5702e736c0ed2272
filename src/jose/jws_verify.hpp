#pragma once
// Compact JWS parsing and signature verification (RFC 7515 §5.2).
#include <optional>
#include <string>
#include <string_view>

#include "jose/algorithm.hpp"
#include "jose/openssl_ptr.hpp"

namespace tokengate::jose {

struct CompactJws {
  std::string_view signing_input;  // BASE64URL(header) '.' BASE64URL(payload)
  std::string header;              // decoded JSON text
  std::string payload;             // decoded
  std::string signature;           // decoded
};

// Splits and decodes a compact JWS; nullopt if it is not three base64url parts.
std::optional<CompactJws> parse_compact(std::string_view token);

// True if `signature` is a valid `alg` signature of `signing_input` under the public `key`.
bool verify_signature(EVP_PKEY* key, Algorithm alg, std::string_view signing_input, std::string_view signature);

}  // namespace tokengate::jose
