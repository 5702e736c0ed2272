// The secret check of issuer mode: the current secret, and the previous one only until its grace
// period ends; everything else gets the one invalid_client answer.
#include "issuer/client_check.hpp"

#include <gtest/gtest.h>

#include "common/secret_digest.hpp"

using namespace tokengate;

namespace {

struct Check : ::testing::Test {
  const int64_t now = 1'800'000'000;
  store::ClientSnapshot clients = [this] {
    store::ClientRecord c;
    c.id = "svc";
    c.secret_digest = common::digest_secret("new-secret");
    c.previous_secret_digest = common::digest_secret("old-secret");
    c.previous_secret_until = now + 60;
    store::ClientRecord off = c;
    off.id = "off";
    off.enabled = false;
    return store::ClientSnapshot({c, off});
  }();

  bool accepted(const char* id, const char* secret, int64_t at) {
    oauth::PresentedCredentials p;
    p.id = id;
    p.secret = secret;
    return std::holds_alternative<const store::ClientRecord*>(issuer::check_client(p, clients, at));
  }
};

}  // namespace

TEST_F(Check, BothSecretsWorkUntilTheGracePeriodEndsThenOnlyTheNewOne) {
  EXPECT_TRUE(accepted("svc", "new-secret", now));
  EXPECT_TRUE(accepted("svc", "old-secret", now));
  EXPECT_TRUE(accepted("svc", "old-secret", now + 59));
  EXPECT_FALSE(accepted("svc", "old-secret", now + 60)) << "the grace period is over";
  EXPECT_TRUE(accepted("svc", "new-secret", now + 60));
  EXPECT_FALSE(accepted("svc", "other", now));
  EXPECT_FALSE(accepted("off", "old-secret", now)) << "a disabled client, whichever secret";
  EXPECT_FALSE(accepted("off", "new-secret", now));
  EXPECT_FALSE(accepted("nobody", "old-secret", now));
}

TEST_F(Check, AClientWithoutAPreviousSecretAcceptsNoEmptyOne) {
  store::ClientRecord plain;
  plain.id = "plain";
  plain.secret_digest = common::digest_secret("s");
  store::ClientSnapshot one({plain});
  oauth::PresentedCredentials p;
  p.id = "plain";
  p.secret = "";
  EXPECT_FALSE(std::holds_alternative<const store::ClientRecord*>(issuer::check_client(p, one, now)));
}
