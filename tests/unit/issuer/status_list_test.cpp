// Status lists: the bits of revoked tokens and generations, the ZLIB/base64url encoding, and the
// signed Status List Token.
#include "issuer/status_list.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <boost/json/parse.hpp>

#include "issuer/key_rotation.hpp"
#include "issuer/token_status.hpp"
#include "common/base64url.hpp"
#include "jose/jws_verify.hpp"

using namespace tokengate;
using Kind = store::RevocationRecord::Kind;

namespace {

std::string inflate(const std::string& lst) {
  auto compressed = common::base64url_decode(lst);
  EXPECT_TRUE(compressed);
  std::string out(issuer::kStatusListSize / 8, '\0');
  uLongf size = out.size();
  EXPECT_EQ(uncompress(reinterpret_cast<Bytef*>(out.data()), &size,
                       reinterpret_cast<const Bytef*>(compressed->data()), compressed->size()),
            Z_OK);
  out.resize(size);
  return out;
}

bool bit(const std::string& bits, uint32_t i) { return (static_cast<unsigned char>(bits[i / 8]) >> (i % 8)) & 1; }

TEST(StatusList, RevokedTokensSetTheirBitsLeastSignificantFirst) {
  issuer::RevocationSnapshot revoked({{Kind::token, "g.T.0.0", "c", 1, 2},
                                      {Kind::token, "g.T.0.9", "c", 1, 2},
                                      {Kind::token, "g.T.1.3", "c", 1, 2},  // another segment
                                      {Kind::token, "opaque-jti", "c", 1, 2}});
  std::string bits = issuer::status_list_bits("g.T.0", revoked);
  ASSERT_EQ(bits.size(), issuer::kStatusListSize / 8);
  EXPECT_EQ(static_cast<unsigned char>(bits[0]), 0x01);  // index 0: bit 0 of byte 0
  EXPECT_EQ(static_cast<unsigned char>(bits[1]), 0x02);  // index 9: bit 1 of byte 1
  EXPECT_FALSE(bit(bits, 3));
  EXPECT_TRUE(revoked.token_revoked("opaque-jti"));
  EXPECT_EQ(inflate(issuer::encode_status_list(bits)), bits);
}

TEST(StatusList, ARevokedGenerationSetsEveryBit) {
  issuer::RevocationSnapshot revoked({{Kind::generation, "old", "c", 1, 2}});
  std::string bits = issuer::status_list_bits("old.T.4", revoked);
  EXPECT_EQ(bits, std::string(issuer::kStatusListSize / 8, '\xff'));
  EXPECT_EQ(issuer::status_list_bits("new.T.0", revoked), std::string(issuer::kStatusListSize / 8, '\0'));
}

TEST(StatusList, AnEmptyListIsTiny) {
  std::string lst = issuer::encode_status_list(std::string(issuer::kStatusListSize / 8, '\0'));
  EXPECT_LT(lst.size(), 100u);
}

TEST(StatusList, TheTokenIsASignedStatusListJwt) {
  auto keys = issuer::KeySet::build({issuer::generate_key_record(jose::Algorithm::ES256, 100)}, 200);
  std::string jwt = issuer::status_list_token(*keys, "https://as.test/statuslists/g.T.0", "eNoDAAAAAAE", 1000);
  auto jws = jose::parse_compact(jwt);
  ASSERT_TRUE(jws);
  auto header = boost::json::parse(jws->header).as_object();
  EXPECT_EQ(header.at("typ").as_string(), "statuslist+jwt");
  EXPECT_EQ(header.at("kid").as_string(), keys->active->kid());
  EXPECT_TRUE(jose::verify_signature(keys->active->pkey(), jose::Algorithm::ES256, jws->signing_input, jws->signature));
  auto claims = boost::json::parse(jws->payload).as_object();
  EXPECT_EQ(claims.at("sub").as_string(), "https://as.test/statuslists/g.T.0");
  EXPECT_EQ(claims.at("iat").as_int64(), 1000);
  EXPECT_EQ(claims.at("ttl").as_int64(), issuer::kStatusListTtl);
  EXPECT_EQ(claims.at("exp").as_int64(), 1000 + issuer::kStatusListLifetime);
  EXPECT_EQ(claims.at("status_list").at("bits").as_int64(), 1);
  EXPECT_EQ(claims.at("status_list").at("lst").as_string(), "eNoDAAAAAAE");
}

}  // namespace
