#pragma once
// The identifiers the issuer mints that carry no structure: client IDs and client generations.
// (Token IDs carry their status-list position: issuer/token_status.hpp.)
#include <string>

namespace tokengate::issuer {

std::string generate_client_id();   // a random (version 4) UUID, as Aspose client IDs are
std::string generate_generation();  // 64 random bits, base64url (11 characters)

}  // namespace tokengate::issuer
