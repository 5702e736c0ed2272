#pragma once
// Mints RFC 9068 JWT access tokens with the active key. The claims are written straight into a
// per-thread buffer and signed with a per-thread signer: no lock, no JSON DOM, no per-call setup.
#include <cstdint>
#include <string>
#include <string_view>

#include "issuer/key_set.hpp"

namespace tokengate::issuer {

class StatusListNames;

struct AccessTokenClaims {
  std::string_view issuer;
  std::string_view client_id;  // also the subject: the client acts on its own behalf (RFC 9068 §2.2)
  std::string_view audience;
  std::string_view scope;      // omitted when empty
  std::string_view generation;  // the client's: names the token's status list
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  const StatusListNames* list_names = nullptr;  // names its status list (null: untagged, in tests)
  // A federated workload's token: who it was at its own issuer, as the `act` claim (RFC 8693 §4.1).
  std::string_view actor_issuer;
  std::string_view actor_subject;  // empty: no act claim
  // A token bound to a DPoP key: `cnf.jkt`, the key's RFC 7638 thumbprint (RFC 9449 §6.1).
  std::string_view cnf_jkt;
  // A token bound to a client certificate: `cnf.x5t#S256`, its SHA-256 thumbprint (RFC 8705 §3.1).
  std::string_view cnf_x5t;
};

// Returns the compact JWS, in a per-thread buffer valid until the thread's next call; throws
// std::runtime_error if `keys` has no active key.
// Its `jti` and `status` claim name the token's place in a status list (issuer/token_status.hpp).
std::string_view issue_access_token(const KeySet& keys, const AccessTokenClaims& claims);

// A JWT of another type (`typ`, e.g. statuslist+jwt) signed with the active key.
std::string sign_jwt(const KeySet& keys, std::string_view typ, std::string_view payload);

}  // namespace tokengate::issuer
