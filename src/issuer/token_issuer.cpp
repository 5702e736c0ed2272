#include "issuer/token_issuer.hpp"

#include <memory>
#include <stdexcept>

#include "jose/base64url.hpp"
#include "jose/jws_signer.hpp"
#include "issuer/identifiers.hpp"
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

std::string_view issue_access_token(const KeySet& keys, const AccessTokenClaims& c) {
  if (!keys.active) throw std::runtime_error("no signing key is loaded");
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
  payload += ',';
  common::append_json_member(payload, "iat", c.issued_at);
  payload += ',';
  common::append_json_member(payload, "exp", c.expires_at);
  payload += ',';
  common::append_json_member(payload, "jti", generate_token_id());
  payload += '}';

  thread_local std::string token;
  token.clear();
  token += keys.active_header_b64;
  token += '.';
  jose::base64url_append(token, payload);
  size_t signing_input_size = token.size();
  token += '.';
  // The signature is appended after the '.', so the signing input stays where it is.
  token.reserve(token.size() + 700);  // room for any signature: sign_append must not reallocate
  thread_signer(keys.active).sign_append(std::string_view(token.data(), signing_input_size), token);
  return token;
}

}  // namespace tokengate::issuer
