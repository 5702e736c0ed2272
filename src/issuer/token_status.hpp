#pragma once
// Where each token's status is published, for verifiers that never call us (IETF Token Status List,
// draft-ietf-oauth-status-list §6.2): every token names a status list and an index in it.
//
// A list belongs to one client generation and one issuing thread: its ID is
// "GENERATION.THREAD.SEGMENT.TAG", where THREAD is random per thread (and per process), SEGMENT
// counts the lists that thread has filled for that generation, and TAG proves a node of this
// deployment named it (issuer/status_list_names.hpp; lists named before tags have none). Each thread hands out indexes of its
// own lists, so issuing a token takes no lock and touches no store. The token's `jti` is
// "LIST.INDEX": unique, and enough to find the token's bit when it is revoked by `jti` alone.
// Revoking a generation (client revoke-tokens, disable, delete) sets every bit of its lists.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokengate::issuer {

inline constexpr uint32_t kStatusListSize = 1u << 16;  // entries per list (1 bit each: 8 KiB before compression)

struct StatusPosition {
  const std::string& list;  // valid until this thread's next call
  uint32_t index;
};

class StatusListNames;

// The next free position for a token of `generation`, on the calling thread. With `names` that
// tag, the list is named GENERATION.THREAD.SEGMENT.TAG (issuer/status_list_names.hpp).
StatusPosition next_status_position(std::string_view generation, const StatusListNames* names = nullptr);

struct TokenId {
  std::string_view generation;
  std::string_view list;  // "GENERATION.THREAD.SEGMENT.TAG" (or, named before tags, without ".TAG")
  uint32_t index = 0;
};

// The lists this process has handed out positions in (the most recent 10,000 per thread), for the
// status list aggregation. Each thread records its lists under a mutex of its own, taken when it
// opens a list (once per 65,536 tokens of a generation), so issuing never waits for another thread.
std::vector<std::string> opened_status_lists();

// A `jti` (or, without the index, a list ID) of ours taken apart; nullopt for anything else.
std::optional<TokenId> parse_token_id(std::string_view jti);
bool is_status_list_id(std::string_view list);

}  // namespace tokengate::issuer
