// tokengate federation add|list|remove: the external issuers whose workloads authenticate as a
// client without a secret (workload identity federation). Audited as made by "cli:USER@HOST".
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cli/commands.hpp"
#include "cli/store_options.hpp"
#include "issuer/federation_registry.hpp"

namespace tokengate::cli {
namespace {

boost::json::object federation_json(const store::FederationRecord& f) {
  boost::json::object o{{"id", f.id},
                        {"issuer", f.issuer},
                        {"keys", store::keys_name(f.keys)},
                        {"audience", f.audience},
                        {"subject", f.subject},
                        {"client_id", f.client_id},
                        {"created_at", f.created_at}};
  if (!f.keys_url.empty()) o["keys_url"] = f.keys_url;
  o["conditions"] = boost::json::parse(store::conditions_json(f.conditions));
  return o;
}

void print_federation(const store::FederationRecord& f) {
  std::cout << f.id << "  " << f.issuer << "  sub=" << f.subject;
  for (const auto& [name, value] : f.conditions) std::cout << "  " << name << "=" << value;
  std::cout << "  aud=" << f.audience << "  → client " << f.client_id << "  (keys: " << store::keys_name(f.keys)
            << (f.keys_url.empty() ? "" : " " + f.keys_url) << ")\n";
}

struct FederationArgs {
  StoreOptions store;
  bool json = false;
  std::string id;
  issuer::FederationSpec spec;
  std::string jwks_uri;
  std::string spiffe_bundle;
  std::vector<std::string> claims;
};

}  // namespace

void add_federation_commands(CLI::App& app, Action& run) {
  static FederationArgs args;
  args = FederationArgs{};
  CLI::App* federation = app.add_subcommand(
      "federation", "trust an external issuer's workloads (Kubernetes, GitHub Actions, SPIFFE) to authenticate as a client");
  federation->require_subcommand(1);

  CLI::App* add = federation->add_subcommand("add", "map one workload of a trusted issuer to a client");
  args.store.add_to(*add);
  add->add_flag("--json", args.json, "print JSON");
  add->add_option("--issuer", args.spec.issuer,
                  "the `iss` of its tokens (keys found by OpenID discovery unless --jwks-uri or --spiffe-bundle), or "
                  "spiffe://TRUST-DOMAIN")
      ->required();
  add->add_option("--jwks-uri", args.jwks_uri, "take the issuer's keys from this JWKS URL instead of discovery");
  add->add_option("--spiffe-bundle", args.spiffe_bundle, "take the keys from this SPIFFE bundle endpoint (jwt-svid keys)");
  add->add_option("--audience", args.spec.audience, "the `aud` its tokens must carry for this server")->required();
  add->add_option("--subject", args.spec.subject,
                  "the workload's `sub`, exactly (system:serviceaccount:NS:NAME, repo:ORG/REPO:ref:refs/heads/main, "
                  "spiffe://TD/PATH)")
      ->required();
  add->add_option("--claim", args.claims,
                  "a further claim the token must carry, NAME=VALUE, exactly (repeatable; nested claims by dots: "
                  "kubernetes.io.namespace=prod)");
  add->add_option("--client", args.spec.client_id, "the client the workload authenticates as")->required();
  add->callback([&run] {
    run = [] {
      if (!args.jwks_uri.empty() && !args.spiffe_bundle.empty())
        throw UsageError("use one of --jwks-uri and --spiffe-bundle");
      if (!args.jwks_uri.empty()) {
        args.spec.keys = store::FederationRecord::Keys::jwks_uri;
        args.spec.keys_url = args.jwks_uri;
      } else if (!args.spiffe_bundle.empty()) {
        args.spec.keys = store::FederationRecord::Keys::spiffe_bundle;
        args.spec.keys_url = args.spiffe_bundle;
      }
      for (const auto& claim : args.claims) {
        size_t eq = claim.find('=');
        if (eq == std::string::npos || eq == 0) throw UsageError("--claim must be NAME=VALUE, got '" + claim + "'");
        args.spec.conditions.emplace_back(claim.substr(0, eq), claim.substr(eq + 1));
      }
      auto f = issuer::add_federation(*args.store.open(), args.spec, audit::cli_actor());
      if (args.json) std::cout << boost::json::serialize(federation_json(f)) << "\n";
      else {
        std::cout << "Added federation " << f.id << ":\n";
        print_federation(f);
      }
      return 0;
    };
  });

  CLI::App* list = federation->add_subcommand("list", "list the federations");
  args.store.add_to(*list);
  list->add_flag("--json", args.json, "print JSON");
  list->callback([&run] {
    run = [] {
      auto all = args.store.open_existing()->list_federations();
      if (args.json) {
        boost::json::array out;
        for (const auto& f : all) out.push_back(federation_json(f));
        std::cout << boost::json::serialize(out) << "\n";
      } else if (all.empty()) {
        std::cout << "No federations.\n";
      }
      if (!args.json)
        for (const auto& f : all) print_federation(f);
      return 0;
    };
  });

  CLI::App* remove = federation->add_subcommand("remove", "remove a federation: its workloads get no more tokens");
  args.store.add_to(*remove);
  remove->add_flag("--json", args.json, "print JSON");
  remove->add_option("ID", args.id, "the federation's ID (federation list)")->required();
  remove->callback([&run] {
    run = [] {
      if (!issuer::remove_federation(*args.store.open_existing(), args.id, audit::cli_actor())) {
        std::cerr << "tokengate: no federation with ID '" << args.id << "'\n";
        return 1;
      }
      if (args.json) std::cout << boost::json::serialize(boost::json::object{{"removed", args.id}}) << "\n";
      else std::cout << "Removed federation " << args.id << ".\n";
      return 0;
    };
  });
}

}  // namespace tokengate::cli
