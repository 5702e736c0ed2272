// tokengate key list|rotate
#include <ctime>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "cli/commands.hpp"
#include "cli/store_options.hpp"
#include "issuer/key_rotation.hpp"

namespace tokengate::cli {
namespace {

struct KeyArgs {
  StoreOptions store;
  bool json = false;
  std::string alg;
};

}  // namespace

void add_key_commands(CLI::App& app, Action& run) {
  static KeyArgs args;
  CLI::App* key = app.add_subcommand("key", "manage the token signing keys");
  key->require_subcommand(1);

  CLI::App* list = key->add_subcommand("list", "list signing keys (active and retired)");
  args.store.add_to(*list);
  list->add_flag("--json", args.json, "print JSON");
  list->callback([&run] {
    run = [] {
      auto keys = args.store.open_existing()->list_keys();
      if (args.json) {
        boost::json::array out;
        for (const auto& k : keys) {
          boost::json::object o{{"kid", k.kid}, {"alg", jose::to_string(k.alg)}, {"created_at", k.created_at},
                                {"status", k.retired_at ? "retired" : "active"}};
          if (k.retired_at) o["retired_at"] = *k.retired_at;
          out.push_back(std::move(o));
        }
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
      }
      if (keys.empty()) std::cout << "No keys; the server generates one when it first starts.\n";
      for (const auto& k : keys)
        std::cout << k.kid << "  " << jose::to_string(k.alg) << "  " << (k.retired_at ? "retired" : "active") << "\n";
      return 0;
    };
  });

  CLI::App* rotate = key->add_subcommand("rotate", "make a new active key; the old one stays published until its tokens expire");
  args.store.add_to(*rotate);
  rotate->add_flag("--json", args.json, "print JSON");
  rotate->add_option("--alg", args.alg, "ES256 (default: signing_alg from the config), EdDSA or RS256");
  rotate->callback([&run] {
    run = [] {
      config::Config config = args.store.load();
      std::string name = args.alg.empty() ? config.signing_alg : args.alg;
      auto alg = jose::parse_algorithm(name);
      if (!alg) throw UsageError("--alg must be ES256, EdDSA or RS256, got '" + name + "'");
      auto record = issuer::rotate_signing_key(*args.store.open(), *alg);
      if (args.json)
        std::cout << boost::json::serialize(boost::json::object{{"kid", record.kid}, {"alg", name}}) << "\n";
      else
        std::cout << "New active key " << record.kid << " (" << name << ").\n";
      return 0;
    };
  });
}

}  // namespace tokengate::cli
