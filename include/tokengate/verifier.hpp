#pragma once
// libtokengate, the resource side: verifies RFC 9068 JWT access tokens (signature, typ, iss, aud,
// exp, nbf) against the issuer's published keys, which it finds (RFC 8414 / OpenID discovery, or a
// JWKS URL), fetches and keeps per their Cache-Control; a token signed with a key it does not know
// causes a new fetch at most once per `unknown_kid_interval` (a flood of forged kids is not a
// flood of fetches). It honours the token's status claim (IETF Token Status List) where there is
// one, with the list's own TTL. A token this thread verified before costs a SHA-256 and a lookup
// instead of a signature check; its claims are checked again on every use.
// Accepted algorithms: ES256, EdDSA, RS256 (never `none`, never an HMAC keyed with a public key);
// `jku`, `x5u` and friends in a token's header are never followed. Thread-safe.
//
//   tokengate::Verifier verifier({.issuer = "https://auth.example.com", .audience = "https://api.example.com"});
//   auto result = verifier.verify(bearer_token);
//   if (!result) return unauthorized(result.message());
//   auto scopes = result.claims().scopes();
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokengate/error.hpp"
#include "tokengate/server_metadata.hpp"

namespace tokengate {

struct VerifierOptions {
  std::string issuer;     // tokens must carry this `iss`; its keys are discovered unless jwks_url is set
  std::string jwks_url;   // the keys, instead of discovery
  std::string jwks_json;  // or the keys themselves, fixed (no fetching at all)
  std::string audience;   // tokens must name it in `aud`; empty: not checked
  std::vector<std::string> algorithms{"ES256", "EdDSA", "RS256", "PS256"};  // a subset of these
  std::string type = "at+jwt";  // the `typ` required (RFC 9068 §2.1); also application/at+jwt
  std::chrono::seconds leeway{30};  // clock skew allowed on exp and nbf
  bool check_status = true;         // honour the `status` claim (a Token Status List entry)
  std::chrono::seconds min_keys_age{60};    // keys are kept at least this long, whatever Cache-Control says
  std::chrono::seconds max_keys_age{300};   // and fetched again after this long at most
  std::chrono::seconds unknown_kid_interval{5};
  std::chrono::milliseconds timeout{10000};  // per HTTP request
  std::string ca_file;                       // PEM CA certificates for https, instead of the system's
};

// The verified claims of a token (a JSON object). Cheap to copy: the claims are shared.
class Claims {
 public:
  Claims() = default;

  const std::string& json() const;  // the claims as JSON text
  std::optional<std::string> string(std::string_view name) const;
  std::optional<int64_t> integer(std::string_view name) const;
  std::string subject() const { return string("sub").value_or(""); }
  std::string client_id() const { return string("client_id").value_or(""); }
  std::vector<std::string> scopes() const;  // `scope`, split
  bool has_scope(std::string_view scope) const;
  // A member of its `cnf` claim (RFC 7800): "jkt" (DPoP) or "x5t#S256" (a certificate); empty if none.
  std::string confirmation(std::string_view member) const;
  bool bound() const;  // it has a `cnf` claim, of whatever kind

 private:
  friend class Verifier;  // the only maker of claims
  explicit Claims(std::shared_ptr<const void> state) : state_(std::move(state)) {}
  std::shared_ptr<const void> state_;  // the parsed claims (an implementation type)
};

class VerifyResult {
 public:
  enum class Error {
    none,
    malformed,        // not a JWT, or claims that are not what they must be
    bad_signature,    // the signature does not verify, or the key is not for that alg
    unknown_key,      // no key with its kid, even after looking again
    keys_unavailable, // the issuer's keys could not be fetched
    wrong_type,       // typ is not at+jwt
    unsupported_algorithm,  // alg is none, an HMAC, or not among `algorithms`
    wrong_issuer,
    wrong_audience,
    expired,
    not_yet_valid,
    revoked,          // its status list says so
    status_unavailable,  // its status list could not be fetched or verified
    // Sender-constrained tokens (RFC 9449, RFC 8705):
    bad_proof,        // the DPoP proof is missing, malformed, for another request, or used before
    wrong_holder,     // the token is bound to another key or certificate than the one presented, or to none
  };

  static VerifyResult success(Claims claims);
  static VerifyResult failure(Error error, std::string message);

  bool ok() const { return error_ == Error::none; }
  explicit operator bool() const { return ok(); }
  Error error() const { return error_; }
  const std::string& message() const { return message_; }  // says what is wrong; never echoes the token
  const Claims& claims() const { return claims_; }

 private:
  Error error_ = Error::none;
  std::string message_;
  Claims claims_;
};

// The keys in use, as published.
struct PublishedKeys {
  bool available = false;
  std::string jwks_json;
  ServerMetadata metadata;  // from discovery (empty members when the keys came from a JWKS URL)
  std::string error;        // why the last fetch failed
};

// What a request presented beside its token, for a token bound to a key (RFC 9449 `cnf.jkt`) or
// a certificate (RFC 8705 `cnf.x5t#S256`). Views: valid for the call.
struct Presentation {
  std::string_view dpop_proof;          // the request's DPoP header; empty: none
  std::string_view method;              // the request's method (the proof's htm)
  std::string_view url;                 // its URL as the client addressed it (htu; query ignored)
  std::string_view client_certificate;  // the TLS client certificate of its connection, PEM or DER; empty: none
};

class Verifier {
 public:
  explicit Verifier(VerifierOptions options);  // throws tokengate::Error(configuration)
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Verifies `token`, fetching keys or a status list when it must (blocking the caller). A token
  // bound to a DPoP key or a certificate fails here (wrong_holder): verify it with what the
  // request presented, below.
  VerifyResult verify(std::string_view token);
  // The same, and the token's binding against `presented`: its DPoP proof (§4.3 checks, `ath` the
  // token's hash, each proof once in this verifier's memory, iat within 60 s) or its client
  // certificate. An unbound token passes when nothing is presented, and fails with a proof.
  VerifyResult verify(std::string_view token, const Presentation& presented);
  std::optional<VerifyResult> try_verify(std::string_view token, const Presentation& presented);

  // The same without any I/O: nullopt when the answer needs a fetch first (then call verify or
  // async_verify). For event loops: the common case (known keys, a token seen or fresh) answers here.
  std::optional<VerifyResult> try_verify(std::string_view token);

  // The same as verify, on a thread of this verifier's own; `done` runs there (or at once, on the
  // calling thread, with keys_unavailable, when 1,000 are already waiting). Callbacks still queued
  // when the Verifier is destroyed are dropped.
  void async_verify(std::string token, std::function<void(VerifyResult)> done);

  // The keys (fetched first if stale), without or with blocking.
  std::optional<PublishedKeys> try_keys();
  PublishedKeys keys();
  void async_keys(std::function<void(PublishedKeys)> done);

  uint64_t key_fetches() const;  // how many times the keys were fetched (for tests and metrics)

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tokengate
