#include "issuer/token_issuer.hpp"

#include <charconv>
#include <memory>
#include <stdexcept>

#include "common/base64url.hpp"
#include "jose/jws_signer.hpp"
#include "issuer/token_status.hpp"
#include "common/json_text.hpp"

namespace tokengate::issuer {
namespace {

// The calling thread's signer for `key`; rebuilt only when the active key changes. The signer
// holds the key, so a cached pointer can never be confused with a new key at the same address.
jose::JwsSigner& thread_signer(const std::shared_ptr<const jose::SigningKey>& key) {
  thread_local std::unique_ptr<jose::JwsSigner> signer;
  if (!signer || &signer->key() != key.get()) signer = std::make_unique<jose::JwsSigner>(key);
  return *signer;
}

}  // namespace

// Appends "." SIGNATURE to `jws`, which holds the signing input.
void sign_in_place(const KeySet& keys, std::string& jws) {
  size_t signing_input_size = jws.size();
  jws += '.';
  // The signature is appended after the '.', so the signing input stays where it is.
  jws.reserve(jws.size() + 700);  // room for any signature: sign_append must not reallocate
  thread_signer(keys.active).sign_append(std::string_view(jws.data(), signing_input_size), jws);
}

std::string_view issue_access_token(const KeySet& keys, const AccessTokenClaims& c) {
  if (!keys.active) throw std::runtime_error("no signing key is loaded");
  StatusPosition status = next_status_position(c.generation, c.list_names);
  thread_local std::string payload;
  payload.clear();
  payload += '{';
  common::append_json_member(payload, "iss", c.issuer);
  payload += ',';
  common::append_json_member(payload, "sub", c.client_id);
  payload += ',';
  common::append_json_member(payload, "client_id", c.client_id);
  payload += ',';
  common::append_json_member(payload, "aud", c.audience);
  if (!c.scope.empty()) {
    payload += ',';
    common::append_json_member(payload, "scope", c.scope);
  }
  if (!c.actor_subject.empty()) {
    payload += ",\"act\":{";
    common::append_json_member(payload, "sub", c.actor_subject);
    payload += ',';
    common::append_json_member(payload, "iss", c.actor_issuer);
    payload += '}';
  }
  if (!c.cnf_jkt.empty() || !c.cnf_x5t.empty()) {
    payload += ",\"cnf\":{";
    if (!c.cnf_jkt.empty()) common::append_json_member(payload, "jkt", c.cnf_jkt);
    if (!c.cnf_jkt.empty() && !c.cnf_x5t.empty()) payload += ',';
    if (!c.cnf_x5t.empty()) common::append_json_member(payload, "x5t#S256", c.cnf_x5t);
    payload += '}';
  }
  payload += ',';
  common::append_json_member(payload, "iat", c.issued_at);
  payload += ',';
  common::append_json_member(payload, "exp", c.expires_at);
  // jti "LIST.INDEX" and the status claim (draft-ietf-oauth-status-list §6.2) name the same bit.
  char index[16];
  std::string_view index_text(index, std::to_chars(index, index + sizeof index, status.index).ptr - index);
  payload += ",\"jti\":\"";
  payload += status.list;  // base64url, '.' and digits: nothing to escape
  payload += '.';
  payload += index_text;
  payload += "\",\"status\":{\"status_list\":{\"idx\":";
  payload += index_text;
  payload += ",\"uri\":";
  thread_local std::string uri;
  uri.assign(c.issuer);
  uri += "/statuslists/";
  uri += status.list;
  common::append_json_string(payload, uri);
  payload += "}}}";

  thread_local std::string token;
  token.clear();
  token += keys.active_header_b64;
  token += '.';
  common::base64url_append(token, payload);
  sign_in_place(keys, token);
  return token;
}

std::string sign_jwt(const KeySet& keys, std::string_view typ, std::string_view payload) {
  if (!keys.active) throw std::runtime_error("no signing key is loaded");
  std::string header = "{";
  common::append_json_member(header, "alg", jose::to_string(keys.active->algorithm()));
  header += ',';
  common::append_json_member(header, "typ", typ);
  header += ',';
  common::append_json_member(header, "kid", keys.active->kid());
  header += '}';
  std::string jws = common::base64url_encode(header);
  jws += '.';
  common::base64url_append(jws, payload);
  sign_in_place(keys, jws);
  return jws;
}

}  // namespace tokengate::issuer
