#include "jose/ecdsa_signature.hpp"

#include <gtest/gtest.h>

using namespace tokengate::jose;

TEST(EcdsaSignature, RoundTripsIncludingHighBitAndLeadingZeros) {
  std::string raw(64, '\0');
  raw[0] = '\x80';  // R needs a sign byte in DER
  raw[33] = '\x01'; // S has a leading zero byte
  raw[63] = '\x7f';
  std::string der = ecdsa_raw_to_der(raw);
  unsigned char back[64];
  ASSERT_TRUE(ecdsa_der_to_raw(der, 32, back));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(back), 64), raw);
}

TEST(EcdsaSignature, RejectsMalformedDer) {
  unsigned char out[64];
  EXPECT_FALSE(ecdsa_der_to_raw("", 32, out));
  EXPECT_FALSE(ecdsa_der_to_raw(std::string("\x30\x02\x02\x00", 4), 32, out));
  std::string too_long = "\x30\x25\x02\x21" + std::string(33, '\x01') + std::string("\x02\x00", 2);
  EXPECT_FALSE(ecdsa_der_to_raw(too_long, 32, out));
}
