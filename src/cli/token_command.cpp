// tokengate token --url TOKEN_URL --client-id ID --client-secret SECRET [--scope S]
//                 (or --private-key FILE [--key-id KID], or --assertion-file FILE)
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
#include "tokengate/token_source.hpp"

namespace tokengate::cli {
namespace {

using tokengate::AccessToken;
using tokengate::ClientAuth;
using tokengate::TokenSource;
using tokengate::TokenSourceOptions;

struct TokenArgs {
  std::string url;
  std::string issuer;
  std::string client_id;
  std::string client_secret;
  std::string scope;
  std::string auth = "basic";
  std::string private_key;
  std::string key_id;
  std::string key_alg;
  std::string assertion_file;
  std::string dpop_key;     // DPoP: bind the token to this key
  std::string cert;         // mutual TLS: this certificate ...
  std::string cert_key;     // ... and its key
  std::string ca_file;
  bool json = false;
  double timeout = 10;
};

// Prints the token (or the whole response with --json); on failure, what the server said. Built on
// libtokengate's TokenSource, as any program of our users would be.
int fetch(const TokenArgs& a) {
  TokenSourceOptions options;
  options.token_url = a.url;
  options.issuer = a.issuer;
  options.client_id = a.client_id;
  options.client_secret = a.client_secret;
  options.scope = a.scope;
  options.private_key_file = a.private_key;
  options.key_id = a.key_id;
  options.key_algorithm = a.key_alg;
  options.assertion_file = a.assertion_file;
  options.dpop_key_file = a.dpop_key;
  options.client_certificate_file = a.cert;
  options.client_key_file = a.cert_key;
  options.ca_file = a.ca_file;
  if (a.auth == "basic") options.auth = ClientAuth::basic;
  else if (a.auth == "post") options.auth = ClientAuth::post;
  else if (a.auth == "cells") options.auth = ClientAuth::cells_query;
  else throw UsageError("--auth must be basic, post or cells, got '" + a.auth + "'");
  options.timeout = std::chrono::milliseconds(static_cast<int64_t>(a.timeout * 1000));
  try {
    TokenSource source(std::move(options));
    AccessToken token = source.access_token();
    std::cout << (a.json ? token.response_json : token.value) << "\n";
    return 0;
  } catch (const tokengate::Error& e) {
    std::cerr << "tokengate: " << e.what() << "\n";
    return e.code() == tokengate::Error::Code::configuration ? 2 : 1;
  }
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
  args = TokenArgs{};  // a fresh command line each time the app is built (cli::run may run more than once)
  store = StoreOptions{};
  jti.clear();
  CLI::App* cmd = app.add_subcommand("token", "fetch an access token from an RFC 6749 token endpoint and print it");
  cmd->require_subcommand(0, 1);
  cmd->add_option("--url", args.url, "the token endpoint, e.g. http://127.0.0.1:8080/connect/token");
  cmd->add_option("--issuer", args.issuer, "or the server's issuer URL: its token endpoint is discovered (RFC 8414)");
  cmd->add_option("--client-id", args.client_id, "client ID");
  cmd->add_option("--client-secret", args.client_secret, "client secret (or TOKENGATE_CLIENT_SECRET)")
      ->envname("TOKENGATE_CLIENT_SECRET");
  cmd->add_option("--scope", args.scope, "requested scopes, space-separated");
  cmd->add_option("--auth", args.auth, "client authentication: basic (default), post, or cells (the Cells query form)");
  cmd->add_option("--timeout", args.timeout, "seconds to wait for the answer (default 10)");
  cmd->add_option("--private-key", args.private_key,
                  "instead of a secret: sign a client assertion (private_key_jwt) with this PEM private key");
  cmd->add_option("--key-id", args.key_id, "with --private-key: the kid of the key, as the client registered it");
  cmd->add_option("--key-alg", args.key_alg, "with --private-key and an RSA key: RS256 (default) or PS256");
  cmd->add_option("--assertion-file", args.assertion_file,
                  "instead of a secret: send the token in this file as the client assertion, read anew each time "
                  "(a Kubernetes projected service account token)");
  cmd->add_option("--dpop-key", args.dpop_key,
                  "a PEM private key the token is bound to (DPoP, RFC 9449): each request then signs a proof with it");
  cmd->add_option("--cert", args.cert,
                  "mutual TLS (RFC 8705): this PEM certificate on the connection; it authenticates a tls_client_auth "
                  "client without a secret, and the token is bound to it");
  cmd->add_option("--cert-key", args.cert_key, "with --cert: its PEM private key");
  cmd->add_option("--ca-file", args.ca_file, "PEM CA certificates for https, instead of the system's");
  cmd->add_flag("--json", args.json, "print the whole token response");
  cmd->callback([&run, cmd] {
    if (cmd->got_subcommand("revoke")) return;
    int ways = !args.client_secret.empty() + !args.private_key.empty() + !args.assertion_file.empty();
    if (ways == 0 && args.cert.empty())
      throw CLI::RequiredError("--client-secret, --private-key, --assertion-file or --cert");
    if (args.cert.empty() != args.cert_key.empty()) throw CLI::ValidationError("--cert and --cert-key go together");
    if (ways > 1) throw CLI::ValidationError("use one of --client-secret, --private-key and --assertion-file");
    if (args.client_id.empty() && args.assertion_file.empty()) throw CLI::RequiredError("--client-id");
    if (args.url.empty() && args.issuer.empty()) throw CLI::RequiredError("--url or --issuer");
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
