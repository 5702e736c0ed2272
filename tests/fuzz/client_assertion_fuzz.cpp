// Client assertions (private_key_jwt and federated workload tokens) and DPoP proofs, against a client's key set of
// every algorithm and a federation with claim conditions: whatever the input, an answer (a client
// or the RFC error), never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/array.hpp>

#include "issuer/client_assertion.hpp"
#include "issuer/trusted_issuers.hpp"
#include "jose/signing_key.hpp"
#include "jose/dpop_proof.hpp"

namespace {

using namespace tokengate;

const jose::PublicKeySet& keys() {
  static const jose::PublicKeySet set = [] {
    boost::json::array jwks;
    for (auto alg : {jose::Algorithm::ES256, jose::Algorithm::EdDSA})
      jwks.push_back(jose::SigningKey::generate(alg).public_jwk());
    return jose::PublicKeySet::from_jwks({{"keys", jwks}});
  }();
  return set;
}

const issuer::TrustedIssuers::Issuer& federation() {
  static const issuer::TrustedIssuers::Issuer trusted = [] {
    store::FederationRecord f;
    f.issuer = "https://k8s.test";
    f.audience = "tokengate";
    f.subject = "system:serviceaccount:prod:r";
    f.conditions = {{"kubernetes.io.namespace", "prod"}, {"a.b.c", "x"}};
    f.client_id = "c1";
    return issuer::TrustedIssuers::Issuer{f.issuer, nullptr, {f}};
  }();
  return trusted;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view assertion(reinterpret_cast<const char*>(data), size);
  const int64_t now = 1'800'000'000;
  issuer::ParsedAssertion parsed = issuer::parse_assertion(assertion);
  issuer::AssertionRules rules{{"https://tokengate.test", "https://tokengate.test/connect/token"}};
  issuer::verify_client_assertion(parsed, parsed.sub, &keys(), rules, now);
  issuer::verify_client_assertion(parsed, "svc", nullptr, rules, now);
  // The federated mapping sees only verified claims; fuzzed claims stand in for any an issuer signs.
  if (parsed.claims) issuer::map_federated_subject(*parsed.claims, federation(), "", now);
  // The same bytes as a DPoP proof (RFC 9449), at a resource (with ath) and at the token endpoint.
  jose::verify_dpop_proof(assertion, {.method = "GET", .url = "https://tokengate.test/v4.0/cells", .now = now,
                                      .access_token = "token"});
  jose::verify_dpop_proof(assertion, {.method = "POST", .url = "https://tokengate.test/connect/token", .now = now});
  return 0;
}
