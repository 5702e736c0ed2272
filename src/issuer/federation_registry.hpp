#pragma once
// Adding and removing trusted external issuers (workload identity federation), with the checks an
// operator's input needs; each change written with its audit entry. Used by the CLI.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/actor.hpp"
#include "store/store.hpp"

namespace tokengate::issuer {

struct FederationSpec {
  std::string issuer;
  store::FederationRecord::Keys keys = store::FederationRecord::Keys::discovery;
  std::string keys_url;
  std::string audience;
  std::string subject;
  std::vector<std::pair<std::string, std::string>> conditions;
  std::string client_id;
};

// Throws InvalidClientInput (client_registry.hpp) for input that cannot be a federation: an issuer
// that is no http(s) URL (or spiffe://TRUST-DOMAIN with a bundle or JWKS URL), no audience, no
// subject or one with '*' (subjects match exactly: there is no wildcard to mistake), a client that
// does not exist.
store::FederationRecord add_federation(store::Store& store, const FederationSpec& spec, const audit::Actor& actor = {});

// False if there is no such federation.
bool remove_federation(store::Store& store, const std::string& id, const audit::Actor& actor = {});

}  // namespace tokengate::issuer
