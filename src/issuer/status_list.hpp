#pragma once
// Status List Tokens (IETF draft-ietf-oauth-status-list, -17): the signed, compressed bit list a
// verifier fetches to learn, without calling us per token, whether a token was revoked.
#include <cstdint>
#include <string>
#include <string_view>

#include "issuer/key_set.hpp"
#include "issuer/revocation_snapshot.hpp"

namespace tokengate::issuer {

// How long a verifier may use a fetched list before fetching it again (the `ttl` claim, §5.1), and
// how long it may use it at most (`exp`): the staleness an offline verifier accepts.
inline constexpr int64_t kStatusListTtl = 60;
inline constexpr int64_t kStatusListLifetime = 600;

// The list's bits, one per entry, entry i in bit (i % 8) of byte i / 8 (§4.1): 1 (INVALID) where a
// token was revoked, every bit when its whole generation was.
std::string status_list_bits(std::string_view list, const RevocationSnapshot& revocations);

// ZLIB-compressed (RFC 1950), then base64url: the `lst` member (§4.1).
std::string encode_status_list(std::string_view bits);

// The Status List Token for the list at `uri`: typ statuslist+jwt, claims sub, iat, exp, ttl and
// status_list {bits: 1, lst}, signed with the active key (§5.1).
std::string status_list_token(const KeySet& keys, std::string_view uri, std::string_view lst, int64_t now);

}  // namespace tokengate::issuer
