// tokengate key list|rotate|retire
#include <ctime>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "admin/admin_json.hpp"
#include "cli/commands.hpp"
#include "cli/key_encryption_option.hpp"
#include "cli/store_options.hpp"
#include "issuer/key_rotation.hpp"

namespace tokengate::cli {
namespace {

struct KeyArgs {
  StoreOptions store;
  bool json = false;
  bool now = false;
  std::string alg;
  std::string kid;
};


jose::Algorithm algorithm(const std::string& requested, const config::Config& config) {
  std::string name = requested.empty() ? config.signing_alg : requested;
  auto alg = jose::parse_algorithm(name);
  if (!alg) throw UsageError("--alg must be ES256, EdDSA, RS256 or PS256, got '" + name + "'");
  return *alg;
}

}  // namespace

void add_key_commands(CLI::App& app, Action& run) {
  static KeyArgs args;
  args = KeyArgs{};  // a fresh command line each time the app is built (cli::run may run more than once)
  CLI::App* key = app.add_subcommand("key", "manage the token signing keys");
  key->require_subcommand(1);

  CLI::App* list = key->add_subcommand("list", "list signing keys (pending, active, retired, withdrawn)");
  args.store.add_to(*list);
  list->add_flag("--json", args.json, "print JSON");
  list->callback([&run] {
    run = [] {
      auto keys = args.store.open_existing()->list_keys();
      int64_t now = static_cast<int64_t>(std::time(nullptr));
      if (args.json) {
        boost::json::array out;
        for (const auto& k : keys) out.push_back(admin::key_json(k, now));
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
      }
      if (keys.empty()) std::cout << "No keys; the server generates one when it first starts.\n";
      for (const auto& k : keys) {
        std::cout << k.kid << "  " << jose::to_string(k.alg) << "  " << admin::key_status(k, now);
        if (k.activates_at > now) std::cout << " (signs in " << k.activates_at - now << " s)";
        std::cout << "\n";
      }
      return 0;
    };
  });

  CLI::App* rotate = key->add_subcommand(
      "rotate", "make a new key: published now, signing after key_publish_delay (or --now); the old one stays "
                "published until its tokens expire");
  args.store.add_to(*rotate);
  rotate->add_flag("--json", args.json, "print JSON");
  rotate->add_flag("--now", args.now, "sign with the new key at once (an emergency: verifiers may not know it yet)");
  rotate->add_option("--alg", args.alg, "ES256 (default: signing_alg from the config), EdDSA or RS256");
  rotate->callback([&run] {
    run = [] {
      config::Config config = args.store.load();
      auto alg = algorithm(args.alg, config);
      int64_t delay = args.now ? 0 : config.key_publish_delay;
      auto kek = load_key_encryption(config);
      auto store = args.store.open();
      check_key_encryption(*store, kek ? &*kek : nullptr);
      auto record = issuer::rotate_signing_key(*store, alg, delay, kek ? &*kek : nullptr, audit::cli_actor());
      if (args.json)
        std::cout << boost::json::serialize(boost::json::object{{"kid", record.kid},
                                                                {"alg", jose::to_string(alg)},
                                                                {"activates_at", record.activates_at}})
                  << "\n";
      else if (delay == 0)
        std::cout << "New active key " << record.kid << " (" << jose::to_string(alg) << "), signing now.\n";
      else
        std::cout << "New key " << record.kid << " (" << jose::to_string(alg) << ") published; it signs in " << delay
                  << " s.\n";
      return 0;
    };
  });

  CLI::App* retire = key->add_subcommand(
      "retire", "withdraw a compromised key at once: out of the JWKS, and every token it signed is refused");
  args.store.add_to(*retire);
  retire->add_option("KID", args.kid, "the key's kid");
  retire->allow_extras();  // a kid is base64url: it may start with '-', which would read as an option
  retire->add_flag("--now", args.now, "required: the withdrawal takes effect at once")->required();
  retire->add_flag("--json", args.json, "print JSON");
  retire->add_option("--alg", args.alg, "the algorithm of the replacement key, if one is needed");
  retire->callback([&run, retire] {
    run = [leftover = retire->remaining()] {
      args.kid = single_value("KID", args.kid, leftover);
      config::Config config = args.store.load();
      auto kek = load_key_encryption(config);
      auto store = args.store.open_existing();
      check_key_encryption(*store, kek ? &*kek : nullptr);
      auto w = issuer::withdraw_signing_key(*store, args.kid, algorithm(args.alg, config), kek ? &*kek : nullptr,
                                            audit::cli_actor());
      if (!w.found) {
        std::cerr << "tokengate: no key with kid '" << args.kid << "'\n";
        return 1;
      }
      if (args.json) {
        boost::json::object o{{"withdrawn", args.kid}};
        if (w.replacement) o["replacement"] = w.replacement->kid;
        std::cout << boost::json::serialize(o) << "\n";
      } else {
        std::cout << "Key " << args.kid << " is withdrawn: it is out of the JWKS and its tokens are refused.\n";
        if (w.replacement) std::cout << "New active key " << w.replacement->kid << ", signing now.\n";
      }
      return 0;
    };
  });
}

}  // namespace tokengate::cli
