#pragma once
// Conversion between the DER ECDSA-Sig-Value OpenSSL uses and the fixed-width R || S that JWS uses
// (RFC 7518 §3.4).
#include <string>
#include <string_view>

namespace tokengate::jose {

// Writes R || S (2 * width bytes) to `out`; false if `der` is not a well-formed signature of that size.
bool ecdsa_der_to_raw(std::string_view der, size_t width, unsigned char* out);
// DER encoding of the R || S signature `raw` (2 * width bytes).
std::string ecdsa_raw_to_der(std::string_view raw);

}  // namespace tokengate::jose
