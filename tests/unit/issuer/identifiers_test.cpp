// What a generated client ID and secret are made of: characters that survive every way the Aspose
// SDKs send them (the .NET SDK puts them in a form body without percent-encoding; others in a
// query string or HTTP Basic), so that none of them can be read back as something else.
#include <gtest/gtest.h>

#include "issuer/client_secret.hpp"
#include "issuer/identifiers.hpp"

using namespace tokengate;

namespace {
// RFC 3986 §2.3 unreserved characters: never percent-encoded, never special in a form or a query.
bool unreserved(const std::string& s) {
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')) return false;
  }
  return true;
}
}  // namespace

TEST(Identifiers, ClientIdsAndSecretsNeedNoEncodingAnywhere) {
  for (int i = 0; i < 1000; ++i) {
    std::string id = issuer::generate_client_id();
    std::string secret = issuer::generate_client_secret();
    ASSERT_TRUE(unreserved(id)) << id;
    ASSERT_TRUE(unreserved(secret)) << secret;
    ASSERT_EQ(id.size(), 36u);      // a UUID: hex digits and '-'
    ASSERT_EQ(secret.size(), 43u);  // 256 random bits, base64url without padding
    ASSERT_EQ(id.find(':'), std::string::npos) << "Basic splits at the first ':'";
  }
}
