#pragma once
// Client credentials as DESIGN.md fixes them: the server generates a 256-bit random secret, shows
// it once, and keeps only its SHA-256 digest; verification is a constant-time compare.
#include <array>
#include <string>
#include <string_view>

namespace tokengate::oauth {

using SecretDigest = std::array<unsigned char, 32>;

std::string generate_client_secret();  // 256 random bits, base64url (43 characters)
std::string generate_client_id();      // a random (version 4) UUID, as Aspose client IDs are
std::string generate_token_id();       // 128 random bits, base64url: the `jti` claim

SecretDigest digest_secret(std::string_view secret);
// Compares digest(presented) with `stored` in time independent of where they differ.
bool secret_matches(std::string_view presented, const SecretDigest& stored);

}  // namespace tokengate::oauth
