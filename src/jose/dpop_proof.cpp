#include "jose/dpop_proof.hpp"

#include <memory>
#include <unordered_map>

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include "common/ascii.hpp"
#include "common/base64url.hpp"
#include "common/sha256.hpp"
#include "common/json_member.hpp"
#include "jose/jwk.hpp"
#include "jose/jws_verify.hpp"

namespace tokengate::jose {
namespace {

constexpr size_t kMaxProof = 8 * 1024;



// RFC 9449 §4.3 step 9 with RFC 3986 §6.2.2 and §6.2.3: scheme and host in any case, an omitted
// default port, an empty path as "/"; query and fragment ignored.
bool same_url(std::string_view claimed, std::string_view actual) {
  auto a = boost::urls::parse_uri(claimed);
  auto b = boost::urls::parse_uri(actual);
  if (!a || !b) return false;
  auto port = [](const boost::urls::url_view& u) -> std::string {
    if (u.has_port()) return std::string(u.port());
    return common::iequals(u.scheme(), "https") ? "443" : common::iequals(u.scheme(), "http") ? "80" : "";
  };
  auto path = [](const boost::urls::url_view& u) {
    std::string p(u.encoded_path());
    return p.empty() ? std::string("/") : p;
  };
  return common::iequals(a->scheme(), b->scheme()) && common::iequals(a->encoded_host(), b->encoded_host()) &&
         port(*a) == port(*b) && path(*a) == path(*b);
}

// A proof's public key, read from its JWK, with its RFC 7638 thumbprint.
struct ProofKey {
  std::shared_ptr<EVP_PKEY> pkey;
  Algorithm alg;
  std::string jkt;
};

// This thread's keys of recent proofs, by their JWK's members: a client signs every proof with the
// same key, and reading a key from its JWK and hashing its thumbprint cost as much as the
// signature check itself. Bounded (emptied when full); keyed by every member that makes the key
// (and `alg`, which tells PS256 RSA keys apart), so a hit is the very same public key.
const ProofKey* proof_key(const boost::json::object& jwk) {
  std::string id;
  for (const char* name : {"kty", "crv", "x", "y", "n", "e", "alg"}) {
    id.append(common::string_member(jwk, name));
    id.push_back('\0');
  }
  thread_local std::unordered_map<std::string, ProofKey> keys;
  if (auto it = keys.find(id); it != keys.end()) return &it->second;
  Algorithm alg;
  PkeyPtr key = public_key_from_jwk(jwk, alg);
  if (!key) return nullptr;
  std::string jkt = thumbprint(public_key_members(key.get(), alg));
  if (keys.size() >= 1024) keys.clear();
  auto [it, added] = keys.emplace(std::move(id), ProofKey{std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free), alg, std::move(jkt)});
  return &it->second;
}

bool key_type_fits(Algorithm header_alg, Algorithm key_alg) {
  if (is_rsa(header_alg)) return is_rsa(key_alg);
  return header_alg == key_alg;
}

}  // namespace

namespace {
DpopFailure invalid_dpop_proof(std::string message) { return {false, std::move(message)}; }
}  // namespace

std::variant<DpopProof, DpopFailure> verify_dpop_proof(std::string_view proof, const DpopExpectations& expect) {
  if (proof.size() > kMaxProof) return invalid_dpop_proof("The DPoP proof is longer than 8 KiB.");
  auto jws = parse_compact(proof);
  if (!jws) return invalid_dpop_proof("The DPoP proof is not a signed JWT (three base64url parts).");
  auto header = common::parse_json_object(jws->header);
  if (!header) return invalid_dpop_proof("The DPoP proof's header is not a JSON object.");
  if (common::string_member(*header, "typ") != "dpop+jwt")
    return invalid_dpop_proof("The DPoP proof's typ must be dpop+jwt (RFC 9449 §4.2).");
  if (header->contains("crit")) return invalid_dpop_proof("The DPoP proof requires extensions (crit) this server does not implement.");
  auto alg = parse_algorithm(common::string_member(*header, "alg"));
  if (!alg)
    return invalid_dpop_proof("The DPoP proof's alg must be ES256, EdDSA (Ed25519), RS256 or PS256 (never none or an HMAC).");
  auto jwk_member = header->find("jwk");
  if (jwk_member == header->end() || !jwk_member->value().is_object())
    return invalid_dpop_proof("The DPoP proof carries no public key (jwk) in its header.");
  const auto& jwk = jwk_member->value().as_object();
  for (const char* private_member : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
    if (jwk.contains(private_member))
      return invalid_dpop_proof("The DPoP proof's jwk holds a private key; send only its public half.");
  }
  const ProofKey* key = proof_key(jwk);
  if (!key) return invalid_dpop_proof("The DPoP proof's jwk is not a public key this server takes (EC P-256, Ed25519, RSA ≥ 2048).");
  if (!key_type_fits(*alg, key->alg)) return invalid_dpop_proof("The DPoP proof's jwk is not a key for its alg.");
  if (!verify_signature(key->pkey.get(), *alg, jws->signing_input, jws->signature))
    return invalid_dpop_proof("The DPoP proof's signature is not valid for its jwk.");

  auto claims = common::parse_json_object(jws->payload);
  if (!claims) return invalid_dpop_proof("The DPoP proof's claims are not a JSON object.");
  if (common::string_member(*claims, "htm") != expect.method)
    return invalid_dpop_proof("The DPoP proof's htm is not this request's method (" + std::string(expect.method) + ").");
  if (!same_url(common::string_member(*claims, "htu"), expect.url))
    return invalid_dpop_proof("The DPoP proof's htu is not this request's URL (" + std::string(expect.url) + ").");
  auto iat = common::numeric_date(*claims, "iat");
  if (!iat) return invalid_dpop_proof("The DPoP proof has no iat.");
  if (*iat > expect.now + expect.leeway) return invalid_dpop_proof("The DPoP proof is issued in the future (iat); check the client's clock.");
  if (*iat < expect.now - expect.max_age)
    return invalid_dpop_proof("The DPoP proof is more than " + std::to_string(expect.max_age) + " seconds old (iat); sign a new one for each request.");
  if (!expect.access_token.empty()) {
    common::Sha256Digest hash = common::sha256(expect.access_token);
    std::string ath = common::base64url_encode(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
    if (common::string_member(*claims, "ath") != ath)
      return invalid_dpop_proof("The DPoP proof's ath is not the hash of the access token sent with it.");
  }
  std::string_view jti = common::string_member(*claims, "jti");
  if (jti.empty() || jti.size() > 256) return invalid_dpop_proof("The DPoP proof needs a jti of 1 to 256 characters.");
  std::string_view nonce = common::string_member(*claims, "nonce");
  if (expect.nonces && !expect.nonces->valid(nonce, expect.now))  // §8: the client retries with the one we send
    return DpopFailure{true,
                      nonce.empty() ? "This server requires a nonce in DPoP proofs: sign the proof again with the "
                                      "nonce of the DPoP-Nonce response header (RFC 9449 §8)."
                                    : "The DPoP proof's nonce is not current: sign the proof again with the nonce of "
                                      "the DPoP-Nonce response header (RFC 9449 §8)."};
  return DpopProof{key->jkt, std::string(jti), *iat, std::string(nonce)};
}

}  // namespace tokengate::jose
