#pragma once
// Client secrets are never stored: the store keeps their SHA-256 digest, and a presented secret is
// checked by comparing digests in constant time. (Slow password hashes are for secrets people
// choose; for 256-bit random secrets they add only latency.)
#include <string_view>

#include "common/sha256.hpp"

namespace tokengate::common {

using SecretDigest = common::Sha256Digest;

SecretDigest digest_secret(std::string_view secret);
// Compares digest(presented) with `stored` in time independent of where they differ.
bool secret_matches(std::string_view presented, const SecretDigest& stored);
// The same for a digest already made of the presented secret.
bool digest_matches(const SecretDigest& presented, const SecretDigest& stored);

}  // namespace tokengate::common
