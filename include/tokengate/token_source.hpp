#pragma once
// libtokengate, the client side: gets access tokens with the client credentials grant (RFC 6749
// §4.4) and keeps them. token() answers from memory while the token is fresh; past `refresh_at`
// of its lifetime one caller fetches a new one (the others keep the current one meanwhile); when
// the server fails, the last good token is served while it is valid, and new attempts back off
// exponentially, with jitter. Thread-safe; one TokenSource per client and scope is enough.
//
//   tokengate::TokenSource tokens({.issuer = "https://auth.example.com",
//                                  .client_id = id, .client_secret = secret, .scope = "reports"});
//   request.set("Authorization", "Bearer " + tokens.token());
//
// Works against any RFC 6749 token endpoint: tokengate (both modes, both token routes),
// Aspose Cloud, Keycloak, Hydra, node-oidc-provider.
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tokengate/error.hpp"

namespace tokengate {

// How the client authenticates with its secret (RFC 6749 §2.3.1), or the Aspose Cells Cloud query
// form (POST token_url?ClientId=…&ClientSecret=…). Ignored when it authenticates with an assertion
// (private_key_file or assertion_file below).
enum class ClientAuth { basic, post, cells_query };

struct TokenSourceOptions {
  std::string issuer;     // the server's issuer URL: its token endpoint is discovered (RFC 8414, then OpenID discovery)
  std::string token_url;  // or the token endpoint itself (wins over discovery)
  std::string client_id;
  std::string client_secret;
  ClientAuth auth = ClientAuth::basic;
  std::string scope;      // space-separated; empty: the client's default
  std::string resource;   // RFC 8707 resource indicator; empty: none
  std::string audience;   // the `audience` parameter some servers take; empty: none
  double refresh_at = 0.8;  // fraction of a token's lifetime after which a new one is fetched
  std::chrono::milliseconds timeout{10000};      // per HTTP request
  std::chrono::milliseconds min_backoff{250};    // after a failure, before the next attempt
  std::chrono::milliseconds max_backoff{30000};
  std::string ca_file;    // PEM CA certificates for https, instead of the system's

  // Without a secret (set one of the two, and no client_secret):
  // private_key_jwt (RFC 7523 §2.2): each request carries a client assertion signed with this
  // PKCS #8 PEM private key (EC P-256: ES256, Ed25519: EdDSA, RSA: RS256, or PS256 with
  // `key_algorithm`), `key_id` as its kid (empty: none), aud `assertion_audience` (default: the
  // issuer, else the token URL), 60 s to live, a fresh jti.
  std::string private_key_file;
  std::string key_id;
  std::string key_algorithm;
  std::string assertion_audience;
  // An assertion another issuer gave this workload, read from this file at every request
  // (workload identity federation: the path where Kubernetes projects a service account token,
  // which it renews in place). client_id may then be empty: the server's mapping names the client.
  std::string assertion_file;

  // Sender-constrained tokens: a copy of the token is no use without what this source holds.
  // DPoP (RFC 9449): each token request carries a proof signed with a key of this source's own
  // (a fresh EC P-256 key kept in memory, or the PKCS #8 PEM key in `dpop_key_file`); a server
  // that wants a nonce (use_dpop_nonce) is asked once more with it. The token is bound to the key
  // (token_type DPoP): send it as "Authorization: DPoP <token>" with dpop_proof() for each request.
  bool dpop = false;
  std::string dpop_key_file;
  // Mutual TLS (RFC 8705): this PEM certificate and key on the connection to the token endpoint.
  // With no secret or assertion the client authenticates by it (tls_client_auth,
  // self_signed_tls_client_auth: client_id in the body); either way the server binds the token
  // to it (cnf x5t#S256): use it only over connections made with the same certificate.
  std::string client_certificate_file;
  std::string client_key_file;
};

struct AccessToken {
  std::string value;
  std::string token_type;  // "Bearer", or "DPoP" for a DPoP-bound token (the Authorization scheme to send it with)
  std::string scope;       // as the server granted it (empty if it did not say)
  std::chrono::system_clock::time_point expires_at;
  std::string response_json;  // the token response as the server sent it
};

class TokenSource {
 public:
  explicit TokenSource(TokenSourceOptions options);  // throws Error(configuration)
  ~TokenSource();
  TokenSource(const TokenSource&) = delete;
  TokenSource& operator=(const TokenSource&) = delete;

  // A valid access token (the value), fetching one if needed. Throws Error when there is none to
  // be had: the server refused (wrong secret: Code::refused), cannot be reached, or a backoff is
  // running after such a failure and no valid token is left.
  std::string token();
  AccessToken access_token();

  // For event-loop programs: the same, without blocking the caller. `done` runs once, on a thread
  // of this source's own (post it to your executor); `error` is null on success.
  void async_token(std::function<void(AccessToken token, std::exception_ptr error)> done);

  // Forget the current token (a resource answered 401 with it): the next call fetches anew.
  void invalidate();

  // DPoP mode: the proof for one request to a resource with `access_token` (RFC 9449 §7: htm, htu,
  // ath), carrying the nonce the resource's origin last sent (dpop_nonce). Send it as the DPoP
  // header beside "Authorization: DPoP <token>". Throws Error(configuration) outside DPoP mode.
  std::string dpop_proof(std::string_view method, std::string_view url, std::string_view access_token);
  // A resource answered with a DPoP-Nonce header (with 401 use_dpop_nonce: retry once with a new proof).
  void dpop_nonce(std::string_view url, std::string_view nonce);
  // The RFC 7638 thumbprint of this source's DPoP key (a bound token's cnf.jkt); empty outside DPoP mode.
  std::string dpop_thumbprint() const;

  // How many token requests this source has sent (for tests and metrics).
  uint64_t requests_sent() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tokengate
