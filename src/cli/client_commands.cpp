// tokengate client create|list|show|update|delete|rotate-secret|revoke-tokens|disable|enable
// Every change is audited as made by "cli:USER@HOST".
#include <ctime>
#include <functional>
#include <fstream>
#include <iostream>
#include <sstream>
#include <memory>

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "admin/admin_json.hpp"
#include "cli/commands.hpp"
#include "cli/store_options.hpp"
#include "issuer/client_keys.hpp"
#include "issuer/client_registry.hpp"
#include "common/duration.hpp"
#include "common/scope_list.hpp"

namespace tokengate::cli {
namespace {

using admin::client_json;

// "--quota 1000/day" → the quota, or a usage error naming the forms.
limits::Quota quota_option(const std::string& text) {
  auto quota = limits::parse_quota(text);
  if (!quota)
    throw UsageError("--quota must be N/min, N/h, N/day or N/month (N from 1), or none, got '" + text + "'");
  return *quota;
}

// The quota and its use this period (what the nodes last reported to the store).
void print_quota(const store::ClientRecord& c, store::Store* store) {
  if (!c.quota.set()) return;
  std::cout << "quota:      " << limits::quota_text(c.quota);
  if (store) {
    auto use = admin::quota_use_json(c, *store, static_cast<int64_t>(std::time(nullptr))).as_object();
    std::cout << ", " << use["used"].as_int64() << " used this period (" << use["remaining"].as_int64()
              << " left; resets " << use["resets_at"].as_string().c_str() << ")";
  }
  std::cout << "\n";
}

void print_client(const store::ClientRecord& c, store::Store* store = nullptr) {
  std::cout << "client_id:  " << c.id << "\n"
            << "name:       " << c.name << "\n"
            << "status:     " << (c.enabled ? "enabled" : "disabled") << "\n"
            << "scope:      " << common::join_scopes(c.scopes) << "\n"
            << "audience:   " << (c.audience.empty() ? "(server default)" : c.audience) << "\n"
            << "token_ttl:  " << (c.token_ttl ? std::to_string(c.token_ttl) + " s" : "(server default)") << "\n";
  print_quota(c, store);
  if (c.require_dpop) std::cout << "dpop:       required (dpop_bound_access_tokens)\n";
  if (!c.certificate_bound) std::cout << "binding:    its tokens are never bound to a client certificate\n";
  if (c.auth == store::ClientRecord::Auth::tls_client_auth) {
    std::cout << "auth:       tls_client_auth (no secret): a certificate from the server's client CA with "
              << store::tls_name_member(c.tls_name.kind) << " '" << c.tls_name.value << "'\n";
    return;
  }
  if (c.auth == store::ClientRecord::Auth::self_signed_tls_client_auth) {
    std::cout << "auth:       self_signed_tls_client_auth (no secret): a certificate with a key of its JWKS\n";
    return;
  }
  if (c.auth == store::ClientRecord::Auth::private_key_jwt) {
    std::cout << "auth:       private_key_jwt (no secret), keys "
              << (c.jwks_uri.empty() ? std::string("registered inline (client show --json lists them)")
                                     : "from " + c.jwks_uri)
              << "\n";
    return;
  }
  std::cout << "secrets:    "
            << (c.previous_secret_until > static_cast<int64_t>(std::time(nullptr))
                    ? "two: the current one, and the previous one until " + admin::rfc3339(c.previous_secret_until)
                    : std::string("one"))
            << "\n";
}

// The text of a file given with `option`.
std::string read_file_text(const std::string& path, const char* option) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(std::string(option) + ": cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
std::string read_jwks_file(const std::string& path) { return read_file_text(path, "--jwks"); }

// --certificate FILE: a self-signed certificate's key, as the JWKS the client is checked against.
std::string certificate_file_jwks(const std::string& path) {
  std::string error;
  std::string jwks = issuer::jwks_of_certificate(read_file_text(path, "--certificate"), error);
  if (jwks.empty()) throw UsageError("--certificate " + path + ": " + error);
  return jwks;
}

// --tls-subject-dn and --tls-san-*: the one name a tls_client_auth client's certificate carries.
void add_tls_name_options(CLI::App& cmd, std::function<void(store::ClientRecord::TlsName)> set) {
  using K = store::ClientRecord::TlsNameKind;
  struct Named {
    const char* flag;
    K kind;
    const char* help;
  };
  for (const Named& n : {Named{"--tls-subject-dn", K::subject_dn, "tls_client_auth: its certificate's subject DN (RFC 4514, e.g. CN=worker,O=Example)"},
                         Named{"--tls-san-dns", K::san_dns, "tls_client_auth: a DNS name in its certificate"},
                         Named{"--tls-san-uri", K::san_uri, "tls_client_auth: a URI in its certificate (e.g. a SPIFFE ID)"},
                         Named{"--tls-san-ip", K::san_ip, "tls_client_auth: an IP address in its certificate"},
                         Named{"--tls-san-email", K::san_email, "tls_client_auth: an email address in its certificate"}}) {
    cmd.add_option_function<std::string>(n.flag, [set, kind = n.kind](const std::string& v) { set({kind, v}); }, n.help);
  }
}

int no_such_client(const std::string& id) {
  std::cerr << "tokengate: no client with ID '" << id << "'\n";
  return 1;
}

void print_secret(const std::string& id, const std::string& secret, bool json) {
  if (json) {
    std::cout << boost::json::serialize(boost::json::object{{"client_id", id}, {"client_secret", secret}}) << "\n";
  } else {
    std::cout << "client_id:     " << id << "\n"
              << "client_secret: " << secret << "\n"
              << "The secret is shown only now; the server keeps only its digest.\n";
  }
}

// State of the parsed command line; lives as long as the app (static in add_client_commands).
struct ClientArgs {
  StoreOptions store;
  bool json = false;
  std::string id;
  issuer::ClientSpec spec;
  issuer::ClientUpdate update;
  bool revoke_tokens = false;
  std::string grace;  // rotate-secret --grace: how long the old secret keeps working
  std::string auth = "client_secret";  // create --auth
  std::string jwks_file;               // create|update --jwks
  std::string certificate_file;        // create|update --certificate
  std::string quota;                   // create --quota
};

CLI::App* subcommand(CLI::App& parent, const char* name, const char* help, ClientArgs& args, bool takes_id) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  args.store.add_to(*cmd);
  cmd->add_flag("--json", args.json, "print JSON");
  if (takes_id) cmd->add_option("ID", args.id, "client ID")->required();
  return cmd;
}

}  // namespace

void add_client_commands(CLI::App& app, Action& run) {
  static ClientArgs args;
  args = ClientArgs{};  // a fresh command line each time the app is built (cli::run may run more than once)
  CLI::App* client = app.add_subcommand("client", "manage OAuth clients in the store");
  client->require_subcommand(1);

  CLI::App* create = subcommand(*client, "create", "register a client; prints its ID and secret", args, false);
  create->add_option("--name", args.spec.name, "a name for people")->required();
  create->add_option("--scope", args.spec.scope, "the scopes it may be granted, space-separated");
  create->add_option("--audience", args.spec.audience, "the `aud` of its tokens (default: the server's)");
  create->add_option("--ttl", args.spec.token_ttl, "token lifetime in seconds (default: the server's)");
  create->add_option("--auth", args.auth,
                     "how it authenticates: client_secret (a secret, shown once; the default), private_key_jwt "
                     "(a JWT signed with one of its keys, RFC 7523), tls_client_auth (a certificate from the "
                     "server's client CA, RFC 8705) or self_signed_tls_client_auth (a certificate it registered); "
                     "no secret exists but for client_secret");
  add_tls_name_options(*create, [](store::ClientRecord::TlsName name) { args.spec.tls_name = std::move(name); });
  create->add_option("--certificate", args.certificate_file,
                     "self_signed_tls_client_auth: a PEM file of its certificate (its key becomes the client's JWKS)");
  create->add_option("--certificate-bound", args.spec.certificate_bound,
                     "true (default): a token asked for with a client certificate is bound to it (RFC 8705 §3); "
                     "false: never");
  create->add_flag("--require-dpop", args.spec.require_dpop,
                   "it gets DPoP-bound tokens only: a token request without a DPoP proof is refused (RFC 9449 §5.2)");
  create->add_option("--quota", args.quota,
                     "at most N tokens per UTC minute, hour, day or month, counted across every node: N/min, "
                     "N/h, N/day, N/month (default: none)");
  create->add_option("--jwks", args.jwks_file, "private_key_jwt: a file holding the client's public keys (a JWKS)");
  create->add_option("--jwks-uri", args.spec.jwks_uri, "private_key_jwt: the http(s) URL where it publishes its keys");
  create->callback([&run] {
    run = [] {
      auto auth = store::parse_auth(args.auth);
      if (!auth)
        throw UsageError("--auth must be client_secret, private_key_jwt, tls_client_auth or "
                         "self_signed_tls_client_auth, got '" + args.auth + "'");
      args.spec.auth = *auth;
      if (!args.quota.empty()) args.spec.quota = quota_option(args.quota);
      if (!args.jwks_file.empty()) args.spec.jwks = read_jwks_file(args.jwks_file);
      if (!args.certificate_file.empty()) {
        if (!args.jwks_file.empty()) throw UsageError("give --certificate or --jwks, not both");
        args.spec.jwks = certificate_file_jwks(args.certificate_file);
      }
      auto store = args.store.open();
      auto created = issuer::create_client(*store, args.spec, audit::cli_actor());
      if (created.secret.empty()) {
        if (args.json) std::cout << boost::json::serialize(client_json(created.record)) << "\n";
        else
          std::cout << "Created client '" << created.record.name << "'.\nclient_id:  " << created.record.id
                    << (created.record.authenticates_by_certificate()
                            ? "\nIt has no secret: it authenticates with its TLS client certificate and client_id "
                              "(" + std::string(store::auth_name(created.record.auth)) + ").\n"
                            : "\nIt has no secret: it authenticates with a client_assertion signed by one of its keys "
                              "(private_key_jwt, aud: this server's issuer).\n");
        return 0;
      }
      if (!args.json) std::cout << "Created client '" << created.record.name << "'.\n";
      print_secret(created.record.id, created.secret, args.json);
      return 0;
    };
  });

  subcommand(*client, "list", "list clients", args, false)->callback([&run] {
    run = [] {
      auto clients = args.store.open_existing()->list_clients();
      if (args.json) {
        boost::json::array out;
        for (const auto& c : clients) out.push_back(client_json(c));
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
      }
      if (clients.empty()) std::cout << "No clients.\n";
      for (const auto& c : clients)
        std::cout << c.id << "  " << (c.enabled ? "enabled " : "disabled") << "  " << c.name << "  ["
                  << common::join_scopes(c.scopes) << "]\n";
      return 0;
    };
  });

  subcommand(*client, "show", "show one client", args, true)->callback([&run] {
    run = [] {
      auto store = args.store.open_existing();
      auto c = store->find_client(args.id);
      if (!c) return no_such_client(args.id);
      if (args.json) {
        auto out = client_json(*c);
        out["quota_use"] = admin::quota_use_json(*c, *store, static_cast<int64_t>(std::time(nullptr)));
        std::cout << boost::json::serialize(out) << "\n";
      } else {
        print_client(*c, store.get());
      }
      return 0;
    };
  });

  CLI::App* update = subcommand(*client, "update", "change a client's name, scopes, audience or token lifetime", args, true);
  update->add_option_function<std::string>("--name", [](const std::string& v) { args.update.name = v; }, "a name for people");
  update->add_option_function<std::string>("--scope", [](const std::string& v) { args.update.scope = v; },
                                           "the scopes it may be granted, space-separated (replaces them)");
  update->add_option_function<std::string>("--audience", [](const std::string& v) { args.update.audience = v; },
                                           "the `aud` of its tokens (\"\": the server's)");
  update->add_option_function<int64_t>("--ttl", [](int64_t v) { args.update.token_ttl = v; },
                                       "token lifetime in seconds (0: the server's)");
  update->add_option_function<std::string>("--quota", [](const std::string& v) { args.update.quota = quota_option(v); },
                                           "N/min, N/h, N/day or N/month across every node; none removes it "
                                           "(tokens issued this period still count)");
  update->add_option("--jwks", args.jwks_file, "private_key_jwt: replace its keys by those of this JWKS file");
  update->add_option_function<std::string>("--jwks-uri", [](const std::string& v) { args.update.jwks_uri = v; },
                                           "private_key_jwt: take its keys from this URL instead");
  update->add_option("--certificate", args.certificate_file,
                     "self_signed_tls_client_auth: replace its keys by this PEM certificate's");
  add_tls_name_options(*update, [](store::ClientRecord::TlsName name) { args.update.tls_name = std::move(name); });
  update->add_option_function<bool>("--certificate-bound", [](bool v) { args.update.certificate_bound = v; },
                                    "true: bind its tokens to a client certificate it presents; false: never");
  update->add_option_function<bool>("--require-dpop", [](bool v) { args.update.require_dpop = v; },
                                    "true: DPoP-bound tokens only (tokens issued before stay valid until they expire)");
  update->callback([&run] {
    run = [] {
      if (!args.jwks_file.empty()) args.update.jwks = read_jwks_file(args.jwks_file);
      if (!args.certificate_file.empty()) args.update.jwks = certificate_file_jwks(args.certificate_file);
      auto c = issuer::update_client(*args.store.open_existing(), args.id, args.update, audit::cli_actor());
      if (!c) return no_such_client(args.id);
      if (args.json) std::cout << boost::json::serialize(client_json(*c)) << "\n";
      else print_client(*c);
      return 0;
    };
  });

  subcommand(*client, "delete", "delete a client; every token it holds stops being accepted", args, true)
      ->callback([&run] {
        run = [] {
          if (!issuer::delete_client(*args.store.open_existing(), args.id, audit::cli_actor())) return no_such_client(args.id);
          if (args.json) std::cout << boost::json::serialize(boost::json::object{{"deleted", args.id}}) << "\n";
          else std::cout << "Deleted client " << args.id << ".\n";
          return 0;
        };
      });

  CLI::App* rotate =
      subcommand(*client, "rotate-secret", "give a client a new secret; the old one stops working", args, true);
  rotate->add_flag("--revoke-tokens", args.revoke_tokens, "also revoke every token the client holds now");
  rotate->add_option("--grace", args.grace,
                     "the old secret keeps working this long beside the new one (90s, 30m, 24h, 7d; at most 31 "
                     "days), on every node: callers move over without an outage");
  rotate->callback([&run] {
        run = [] {
          int64_t grace = 0;
          if (!args.grace.empty()) {
            auto parsed = common::parse_duration(args.grace);
            if (!parsed) throw UsageError("--grace must be a duration such as 90s, 30m, 24h or 7d, got '" + args.grace + "'");
            grace = *parsed;
          }
          auto rotated = issuer::rotate_client_secret(*args.store.open_existing(), args.id, args.revoke_tokens,
                                                      audit::cli_actor(), grace);
          if (!rotated) return no_such_client(args.id);
          print_secret(args.id, rotated->secret, args.json);
          if (rotated->old_secret_until > 0 && !args.json)
            std::cout << "The old secret keeps working until " << admin::rfc3339(rotated->old_secret_until) << ".\n";
          return 0;
        };
      });

  subcommand(*client, "revoke-tokens", "revoke every token the client holds now (it may get new ones)", args, true)
      ->callback([&run] {
        run = [] {
          if (!issuer::revoke_client_tokens(*args.store.open_existing(), args.id, audit::cli_actor())) return no_such_client(args.id);
          if (args.json) std::cout << boost::json::serialize(boost::json::object{{"client_id", args.id}, {"tokens", "revoked"}}) << "\n";
          else std::cout << "Every token client " << args.id << " held is revoked.\n";
          return 0;
        };
      });

  for (bool enable : {false, true}) {
    const char* name = enable ? "enable" : "disable";
    const char* help = enable ? "let a disabled client get tokens again"
                              : "refuse tokens to a client; the tokens it holds stop being accepted";
    subcommand(*client, name, help, args, true)->callback([&run, enable] {
      run = [enable] {
        if (!issuer::set_client_enabled(*args.store.open_existing(), args.id, enable, audit::cli_actor())) return no_such_client(args.id);
        const char* state = enable ? "enabled" : "disabled";
        if (args.json) std::cout << boost::json::serialize(boost::json::object{{"client_id", args.id}, {"status", state}}) << "\n";
        else std::cout << "Client " << args.id << " is " << state << ".\n";
        return 0;
      };
    });
  }
}

}  // namespace tokengate::cli
