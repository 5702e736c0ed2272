#pragma once
// The JWS algorithms tokengate signs and verifies with (RFC 7518 §3.1, RFC 8037 §3.1): ES256, EdDSA,
// and two for RSA keys, RS256 (PKCS #1 v1.5) and PS256 (PSS, which FAPI 2.0 asks of RSA keys).
#include <optional>
#include <string_view>

namespace tokengate::jose {

enum class Algorithm { ES256, EdDSA, RS256, PS256 };

constexpr std::string_view to_string(Algorithm alg) {
  switch (alg) {
    case Algorithm::ES256: return "ES256";
    case Algorithm::EdDSA: return "EdDSA";
    case Algorithm::RS256: return "RS256";
    case Algorithm::PS256: return "PS256";
  }
  return "?";
}

constexpr std::optional<Algorithm> parse_algorithm(std::string_view name) {
  if (name == "ES256") return Algorithm::ES256;
  if (name == "EdDSA") return Algorithm::EdDSA;
  if (name == "Ed25519") return Algorithm::EdDSA;  // RFC 9864's fully specified name (oauth4webapi sends it)
  if (name == "RS256") return Algorithm::RS256;
  if (name == "PS256") return Algorithm::PS256;
  return std::nullopt;
}

// RS256 and PS256 both sign with an RSA key.
constexpr bool is_rsa(Algorithm alg) { return alg == Algorithm::RS256 || alg == Algorithm::PS256; }

}  // namespace tokengate::jose
