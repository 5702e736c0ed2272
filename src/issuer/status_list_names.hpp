#pragma once
// Status list names that cannot be made up (security round two, item 9). `GET /statuslists/LIST`
// is unauthenticated and each new list costs a signature, so only lists this deployment opened are
// signed. A list opened on any node is named GENERATION.THREAD.SEGMENT.TAG, TAG being a MAC of the
// rest under a key all nodes share (kept in the store, made once by the first node): any node can
// check a name without knowing who opened the list, and nobody else can make one.
//
// Lists named before tags existed (GENERATION.THREAD.SEGMENT) are still served while a token in
// them may live: for the longest token lifetime this server gives after the upgrade that added the
// tags (31 days at most), on stores that had keys then.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "store/store.hpp"

namespace tokengate::issuer {

class StatusListNames {
 public:
  StatusListNames() = default;  // no key: untagged names, all served (unit tests)
  StatusListNames(std::string key, int64_t untagged_until) : key_(std::move(key)), untagged_until_(untagged_until) {}

  bool tags() const { return !key_.empty(); }
  // The TAG of the list named `untagged` (GENERATION.THREAD.SEGMENT): 16 base64url characters.
  std::string tag(std::string_view untagged) const;
  // Whether a requested list ID (already of the right shape) names a list this deployment may have
  // opened: a tagged one whose tag is right, or an untagged one within the transition.
  bool may_exist(std::string_view list, int64_t now) const;

 private:
  std::string key_;
  int64_t untagged_until_ = 0;
};

// The names for a server on `store`: the shared key made now if there is none yet. `longest_ttl`:
// the longest lifetime of a token this server gives (its default and every client's own).
std::shared_ptr<const StatusListNames> load_status_list_names(store::Store& store, int64_t longest_ttl);

}  // namespace tokengate::issuer
