// Private keys sealed at rest: only the right KEK, and only for the same kid, opens them.
#include "jose/key_encryption.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using namespace tokengate::jose;

namespace {

std::array<unsigned char, 32> kek(unsigned char fill) {
  std::array<unsigned char, 32> k;
  k.fill(fill);
  return k;
}

TEST(KeyEncryption, SealsAndOpens) {
  KeyEncryption right(kek(1)), wrong(kek(2));
  std::string pem = "-----BEGIN PRIVATE KEY-----\nMIG...\n-----END PRIVATE KEY-----\n";
  std::string sealed = right.seal(pem, "kid-1");
  EXPECT_TRUE(KeyEncryption::is_sealed(sealed));
  EXPECT_EQ(sealed.find("PRIVATE KEY"), std::string::npos);
  EXPECT_NE(right.seal(pem, "kid-1"), sealed);  // a fresh nonce each time
  EXPECT_EQ(right.open(sealed, "kid-1"), pem);
  EXPECT_THROW(wrong.open(sealed, "kid-1"), std::runtime_error);
  EXPECT_THROW(right.open(sealed, "kid-2"), std::runtime_error);  // moved to another key's row
  std::string altered = sealed;
  altered[altered.size() - 5] = altered[altered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_THROW(right.open(altered, "kid-1"), std::runtime_error);
}

TEST(KeyEncryption, KeysInClearNeedNoKekAndSealedOnesDo) {
  EXPECT_EQ(private_key_in_clear("plain pem", "k", nullptr), "plain pem");
  KeyEncryption k(kek(3));
  std::string sealed = k.seal("pem", "k");
  try {
    private_key_in_clear(sealed, "k", nullptr);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("encrypted"), std::string::npos);
  }
  EXPECT_EQ(private_key_in_clear(sealed, "k", &k), "pem");
}

TEST(KeyEncryption, ReadsHexOrBase64KeyFilesAndRefusesOthers) {
  std::string path = ::testing::TempDir() + "kek";
  auto write = [&](const std::string& text) { std::ofstream(path) << text; };
  write(std::string(64, 'a') + "\n");
  KeyEncryption::from_file(path);
  write("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");  // base64 of 32 bytes
  KeyEncryption::from_file(path);
  write("too short");
  EXPECT_THROW(KeyEncryption::from_file(path), std::runtime_error);
  EXPECT_THROW(KeyEncryption::from_file(path + ".missing"), std::runtime_error);
  std::remove(path.c_str());
}

}  // namespace
