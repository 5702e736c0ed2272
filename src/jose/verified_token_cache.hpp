#pragma once
// A per-thread memory of tokens whose signature this process has already verified, keyed by the
// SHA-256 of the token (the tokens themselves are not kept): re-verifying a token costs a hash and
// a lookup instead of a signature check. Only the signature is remembered; every claim is checked
// again on each use, and an entry counts only while its key is still in the verifier's key set.
#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "common/sha256.hpp"

namespace tokengate::jose {

struct VerifiedToken {
  std::string kid;
  const void* key = nullptr;  // the key it was verified with (identity, never dereferenced)
  std::string typ;            // its header's, checked again on each use
  boost::json::object claims;
};

// The calling thread's entry for `digest`, or null. Valid until the thread's next remember().
const VerifiedToken* recall_verified(const common::Sha256Digest& digest);
void remember_verified(const common::Sha256Digest& digest, VerifiedToken token);

}  // namespace tokengate::jose
