// Workload identity federation's mapping, without a server: claim paths, exact subjects, audiences
// per federation, one client per workload; and which URLs keys may come from.
#include "issuer/trusted_issuers.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "issuer/client_keys.hpp"

using namespace tokengate;

namespace {

const int64_t kNow = 1'800'000'000;

boost::json::object claims(const std::string& json) { return boost::json::parse(json).as_object(); }

store::FederationRecord rule(std::string subject, std::string client, std::string audience = "tokengate",
                             std::vector<std::pair<std::string, std::string>> conditions = {}) {
  store::FederationRecord f;
  f.issuer = "https://k8s.example";
  f.audience = std::move(audience);
  f.subject = std::move(subject);
  f.conditions = std::move(conditions);
  f.client_id = std::move(client);
  return f;
}

std::string k8s(const std::string& sub, const std::string& aud = "tokengate", const std::string& ns = "prod") {
  return R"({"iss":"https://k8s.example","sub":")" + sub + R"(","aud":[")" + aud + R"("],"exp":)" +
         std::to_string(kNow + 600) + R"(,"kubernetes.io":{"namespace":")" + ns + R"(","serviceaccount":{"name":"r"}}})";
}

}  // namespace

TEST(ClaimAt, ExactNamesFirstThenNestedOnesByTheLongestName) {
  auto c = claims(R"({"kubernetes.io":{"namespace":"prod"},"a.b":"flat","a":{"b":"nested"},"n":7,"t":true})");
  EXPECT_EQ(issuer::claim_at(c, "kubernetes.io.namespace"), "prod");
  EXPECT_EQ(issuer::claim_at(c, "a.b"), "flat");
  EXPECT_EQ(issuer::claim_at(c, "n"), "7");
  EXPECT_EQ(issuer::claim_at(c, "t"), "true");
  EXPECT_FALSE(issuer::claim_at(c, "kubernetes.io.pod"));
  EXPECT_FALSE(issuer::claim_at(c, "kubernetes"));
}

TEST(MapFederatedSubject, ExactSubjectAudienceAndConditions) {
  issuer::TrustedIssuers::Issuer issuer{"https://k8s.example", nullptr,
                                        {rule("system:serviceaccount:prod:r", "c1", "tokengate", {{"kubernetes.io.namespace", "prod"}})}};
  auto ok = issuer::map_federated_subject(claims(k8s("system:serviceaccount:prod:r")), issuer, "", kNow);
  ASSERT_TRUE(std::holds_alternative<issuer::FederatedClient>(ok));
  EXPECT_EQ(std::get<issuer::FederatedClient>(ok).client_id, "c1");
  EXPECT_EQ(std::get<issuer::FederatedClient>(ok).who.subject, "system:serviceaccount:prod:r");

  auto refused = [&](const std::string& json, std::string_view client = "") {
    auto r = issuer::map_federated_subject(claims(json), issuer, client, kNow);
    return std::holds_alternative<oauth::OAuthError>(r) ? std::get<oauth::OAuthError>(r).description : std::string();
  };
  EXPECT_NE(refused(k8s("system:serviceaccount:prod:other")).find("maps the subject"), std::string::npos);
  EXPECT_NE(refused(k8s("system:serviceaccount:prod:r", "vault")).find("aud is not an audience"), std::string::npos);
  EXPECT_NE(refused(k8s("system:serviceaccount:prod:r", "tokengate", "dev")).find("maps the subject"), std::string::npos);
  EXPECT_NE(refused(k8s("system:serviceaccount:prod:r"), "c2").find("this client_id"), std::string::npos);
  EXPECT_NE(refused(R"({"iss":"https://other.example","sub":"x","aud":"tokengate","exp":1})").find("issuer is not"),
            std::string::npos);
  EXPECT_NE(refused(R"({"iss":"https://k8s.example","sub":"system:serviceaccount:prod:r","aud":"tokengate"})")
                .find("no valid exp"),
            std::string::npos);
}

TEST(MapFederatedSubject, AWorkloadMappedToTwoClientsMustNameOne) {
  issuer::TrustedIssuers::Issuer issuer{"https://k8s.example", nullptr,
                                        {rule("system:serviceaccount:prod:r", "c1"), rule("system:serviceaccount:prod:r", "c2")}};
  auto both = issuer::map_federated_subject(claims(k8s("system:serviceaccount:prod:r")), issuer, "", kNow);
  ASSERT_TRUE(std::holds_alternative<oauth::OAuthError>(both));
  EXPECT_NE(std::get<oauth::OAuthError>(both).description.find("name the one with client_id"), std::string::npos);
  auto named = issuer::map_federated_subject(claims(k8s("system:serviceaccount:prod:r")), issuer, "c2", kNow);
  ASSERT_TRUE(std::holds_alternative<issuer::FederatedClient>(named));
  EXPECT_EQ(std::get<issuer::FederatedClient>(named).client_id, "c2");
}

TEST(MapFederatedSubject, ASpiffeSvidWithoutIssIsMatchedByItsTrustDomainExactly) {
  store::FederationRecord f = rule("spiffe://example.org/ns/prod/sa/r", "c1");
  f.issuer = "spiffe://example.org";
  issuer::TrustedIssuers::Issuer issuer{"spiffe://example.org", nullptr, {f}};
  auto svid = [](const std::string& sub) {
    return claims(R"({"sub":")" + sub + R"(","aud":["tokengate"],"exp":)" + std::to_string(kNow + 60) + "}");
  };
  EXPECT_TRUE(std::holds_alternative<issuer::FederatedClient>(
      issuer::map_federated_subject(svid("spiffe://example.org/ns/prod/sa/r"), issuer, "", kNow)));
  for (const char* other : {"spiffe://example.org.evil.com/ns/prod/sa/r", "spiffe://evil/example.org/ns/prod/sa/r"})
    EXPECT_TRUE(std::holds_alternative<oauth::OAuthError>(issuer::map_federated_subject(svid(other), issuer, "", kNow)))
        << other;
}

TEST(KeysUrl, HttpsOrPlainHttpToALoopbackAddressOnly) {
  EXPECT_EQ(issuer::keys_url_problem("https://keys.example/jwks"), "");
  EXPECT_EQ(issuer::keys_url_problem("http://127.0.0.1:8080/jwks"), "");
  EXPECT_EQ(issuer::keys_url_problem("http://localhost/jwks"), "");
  EXPECT_EQ(issuer::keys_url_problem("http://[::1]:9/jwks"), "");
  EXPECT_NE(issuer::keys_url_problem("http://keys.example/jwks"), "");
  EXPECT_NE(issuer::keys_url_problem("http://127.0.0.1.evil.com/jwks"), "");
  EXPECT_NE(issuer::keys_url_problem("http://localhost.evil.com/jwks"), "");
  EXPECT_NE(issuer::keys_url_problem("http://user@127.0.0.1/jwks"), "");
  EXPECT_NE(issuer::keys_url_problem("http://127.1/jwks"), "");
  EXPECT_NE(issuer::keys_url_problem("file:///etc/passwd"), "");
  EXPECT_NE(issuer::keys_url_problem("https://keys.example/a b"), "");
}
