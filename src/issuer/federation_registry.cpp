#include "issuer/federation_registry.hpp"

#include <algorithm>
#include <ctime>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/base64url.hpp"
#include "common/random.hpp"
#include "issuer/client_keys.hpp"
#include "issuer/client_registry.hpp"

namespace tokengate::issuer {
namespace {

void validate(store::Store& store, const FederationSpec& spec) {
  using Keys = store::FederationRecord::Keys;
  bool spiffe = spec.issuer.starts_with("spiffe://");
  if (spiffe) {
    if (spec.issuer.size() <= 9 || spec.issuer.find('/', 9) != std::string::npos)
      throw InvalidClientInput("a SPIFFE issuer is a trust domain, spiffe://TRUST-DOMAIN, with no path");
    if (spec.keys == Keys::discovery)
      throw InvalidClientInput("a SPIFFE trust domain has no discovery document: give its bundle endpoint "
                               "(--spiffe-bundle URL) or a JWKS URL (--jwks-uri URL)");
  } else if (std::string problem = keys_url_problem(spec.issuer); !problem.empty()) {
    throw InvalidClientInput("the issuer (the `iss` its tokens carry, or spiffe://TRUST-DOMAIN) " + problem);
  }
  if (spec.keys != Keys::discovery) {
    if (std::string problem = keys_url_problem(spec.keys_url); !problem.empty())
      throw InvalidClientInput("the issuer's keys URL " + problem);
  }
  // One issuer, one place its keys come from: a second federation may not name another (it would
  // be ignored while the first exists, and trusted once the first is removed).
  for (const auto& f : store.list_federations()) {
    if (f.issuer == spec.issuer && (f.keys != spec.keys || f.keys_url != spec.keys_url))
      throw InvalidClientInput("the issuer " + spec.issuer + " already takes its keys from " +
                               (f.keys == Keys::discovery ? std::string("its discovery document") : f.keys_url) +
                               " (federation " + f.id + "): name the same, or remove those federations first");
  }
  if (spec.audience.empty())
    throw InvalidClientInput("the audience its tokens must carry for this server is required (--audience): without "
                             "it, a token the issuer minted for any other service would do");
  if (spec.subject.empty()) throw InvalidClientInput("the subject (--subject) is required: the workload's `sub`, exactly");
  if (spec.subject.find('*') != std::string::npos)
    throw InvalidClientInput("subjects match exactly and '*' is no wildcard: name one workload's `sub` (narrow it "
                             "further with --claim NAME=VALUE)");
  for (size_t i = 0; i < spec.conditions.size(); ++i) {
    const auto& [name, value] = spec.conditions[i];
    if (name.empty() || name.size() > 200 || value.size() > 1000)
      throw InvalidClientInput("a claim condition is NAME=VALUE, with a name of 1 to 200 characters");
    for (size_t j = 0; j < i; ++j) {
      if (spec.conditions[j].first == name)
        throw InvalidClientInput("the claim " + name + " is named twice: a claim has one value");
    }
  }
  if (!store.find_client(spec.client_id))
    throw InvalidClientInput("there is no client '" + spec.client_id + "' to map the workload to");
}

std::string new_federation_id() {
  unsigned char bytes[12];
  common::random_bytes(bytes, sizeof bytes);
  return "fed-" + common::base64url_encode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
}

}  // namespace

store::FederationRecord add_federation(store::Store& store, const FederationSpec& spec, const audit::Actor& actor) {
  validate(store, spec);
  store::FederationRecord f{new_federation_id(), spec.issuer,     spec.keys,      spec.keys_url,
                            spec.audience,       spec.subject,    spec.conditions, spec.client_id,
                            static_cast<int64_t>(std::time(nullptr))};
  boost::json::object detail{{"issuer", f.issuer},     {"keys", store::keys_name(f.keys)}, {"keys_url", f.keys_url},
                             {"audience", f.audience}, {"subject", f.subject},             {"client_id", f.client_id}};
  detail["conditions"] = boost::json::parse(store::conditions_json(f.conditions));
  auto audit = audit::entry(actor, "federation.add", f.id, boost::json::serialize(detail));
  store.insert_federation(f, &audit);
  return f;
}

bool remove_federation(store::Store& store, const std::string& id, const audit::Actor& actor) {
  auto audit = audit::entry(actor, "federation.remove", id);
  return store.delete_federation(id, &audit);
}

}  // namespace tokengate::issuer
