#pragma once
// The JWS algorithms tokengate signs with (RFC 7518 §3.1, RFC 8037 §3.1).
#include <optional>
#include <string_view>

namespace tokengate::jose {

enum class Algorithm { ES256, EdDSA, RS256 };

constexpr std::string_view to_string(Algorithm alg) {
  switch (alg) {
    case Algorithm::ES256: return "ES256";
    case Algorithm::EdDSA: return "EdDSA";
    case Algorithm::RS256: return "RS256";
  }
  return "?";
}

constexpr std::optional<Algorithm> parse_algorithm(std::string_view name) {
  if (name == "ES256") return Algorithm::ES256;
  if (name == "EdDSA") return Algorithm::EdDSA;
  if (name == "RS256") return Algorithm::RS256;
  return std::nullopt;
}

}  // namespace tokengate::jose
