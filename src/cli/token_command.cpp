// tokengate token --url TOKEN_URL --client-id ID --client-secret SECRET [--scope S]
// Fetches a token from any RFC 6749 token endpoint with the client credentials grant.
#include <ctime>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>

#include "cli/commands.hpp"
#include "cli/store_options.hpp"
#include "common/echo.hpp"
#include "common/token_lifetime.hpp"
#include "issuer/token_status.hpp"
#include "common/form_encoding.hpp"
#include "http/client.hpp"

namespace tokengate::cli {
namespace {

struct TokenArgs {
  std::string url;
  std::string client_id;
  std::string client_secret;
  std::string scope;
  std::string auth = "basic";
  bool json = false;
  double timeout = 10;
};

// Prints the token (or the whole response with --json); on failure, what the server said.
int fetch(const TokenArgs& a) {
  if (a.auth != "basic" && a.auth != "post") throw UsageError("--auth must be basic or post, got '" + a.auth + "'");
  http::ClientRequest req;
  req.url = a.url;
  req.timeout = std::chrono::milliseconds(static_cast<int64_t>(a.timeout * 1000));
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.body = "grant_type=client_credentials";
  if (!a.scope.empty()) common::append_form_param(req.body, "scope", a.scope);
  if (a.auth == "basic") {
    req.headers.emplace_back("Authorization", common::basic_authorization(a.client_id, a.client_secret));
  } else {
    common::append_form_param(req.body, "client_id", a.client_id);
    common::append_form_param(req.body, "client_secret", a.client_secret);
  }

  http::ClientResponse res = http::send(req);
  boost::system::error_code ec;
  auto parsed = boost::json::parse(res.body, ec);
  const boost::json::object* body = !ec && parsed.is_object() ? &parsed.as_object() : nullptr;

  if (res.status == 200 && body && body->contains("access_token") && body->at("access_token").is_string()) {
    if (a.json) std::cout << res.body << "\n";
    else std::cout << body->at("access_token").as_string().c_str() << "\n";
    return 0;
  }
  std::cerr << "tokengate: the token endpoint answered HTTP " << res.status;
  if (body && body->contains("error") && body->at("error").is_string()) {
    std::cerr << ": " << body->at("error").as_string().c_str();
    if (body->contains("error_description") && body->at("error_description").is_string())
      std::cerr << ": " << body->at("error_description").as_string().c_str();
  } else if (res.status == 200) {
    std::cerr << " but the body is not a token response (no access_token)";
  }
  std::cerr << "\n";
  return 1;
}


// tokengate token revoke --jti JTI [STORE]: the token stops being accepted everywhere the store is
// read (introspection, the status routes, its status list), until it would have expired anyway.
int revoke_by_jti(const StoreOptions& store, const std::string& jti) {
  if (!issuer::parse_token_id(jti))
    throw UsageError("--jti: '" + common::safe_echo(jti) +
                     "' is not the jti of a token this server issued (GENERATION.THREAD.SEGMENT.INDEX); a token "
                     "of an older version is revoked with client revoke-tokens");
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  // The token's own expiry is not known from its jti: kept as long as any token can live.
  store.open_existing()->add_revocation(
      {store::RevocationRecord::Kind::token, jti, {}, now, now + common::kMaxTokenLifetime});
  std::cout << "Token " << jti << " is revoked.\n";
  return 0;
}

}  // namespace

void add_token_command(CLI::App& app, Action& run) {
  static TokenArgs args;
  static StoreOptions store;
  static std::string jti;
  CLI::App* cmd = app.add_subcommand("token", "fetch an access token from an RFC 6749 token endpoint and print it");
  cmd->require_subcommand(0, 1);
  cmd->add_option("--url", args.url, "the token endpoint, e.g. http://127.0.0.1:8080/connect/token");
  cmd->add_option("--client-id", args.client_id, "client ID");
  cmd->add_option("--client-secret", args.client_secret, "client secret (or TOKENGATE_CLIENT_SECRET)")
      ->envname("TOKENGATE_CLIENT_SECRET");
  cmd->add_option("--scope", args.scope, "requested scopes, space-separated");
  cmd->add_option("--auth", args.auth, "client authentication: basic (default) or post");
  cmd->add_option("--timeout", args.timeout, "seconds to wait for the answer (default 10)");
  cmd->add_flag("--json", args.json, "print the whole token response");
  cmd->callback([&run, cmd] {
    if (cmd->got_subcommand("revoke")) return;
    for (auto [value, name] : {std::pair{&args.url, "--url"}, {&args.client_id, "--client-id"},
                               {&args.client_secret, "--client-secret"}}) {
      if (value->empty()) throw CLI::RequiredError(name);
    }
    run = [] { return fetch(args); };
  });

  CLI::App* revoke = cmd->add_subcommand("revoke", "revoke one token by its jti, in the store a server uses");
  store.add_to(*revoke);
  revoke->add_option("--jti", jti, "the token's jti claim (--jti=JTI when it starts with '-')");
  revoke->allow_extras();
  revoke->callback([&run, revoke] {
    run = [leftover = revoke->remaining()] { return revoke_by_jti(store, single_value("--jti", jti, leftover)); };
  });
}

}  // namespace tokengate::cli
