#pragma once
// Private signing keys at rest, encrypted with a key-encryption key (KEK) the store never sees:
// AES-256-GCM, the key's kid as associated data (a ciphertext cannot be moved to another key's row).
// Stored as "tokengate-kek:v1:" + base64url(nonce || ciphertext || tag).
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace tokengate::jose {

class KeyEncryption {
 public:
  // Reads the KEK from `path`: 32 bytes, as 64 hex digits or base64/base64url (43-44 characters),
  // surrounding whitespace ignored. Throws std::runtime_error saying what is wrong with the file.
  static KeyEncryption from_file(const std::string& path);
  explicit KeyEncryption(const std::array<unsigned char, 32>& kek) : kek_(kek) {}

  std::string seal(std::string_view private_pem, std::string_view kid) const;
  // The PEM, or std::runtime_error: not sealed by this KEK (or altered).
  std::string open(std::string_view sealed, std::string_view kid) const;

  static bool is_sealed(std::string_view stored);

 private:
  std::array<unsigned char, 32> kek_;
};

// What a stored private key is in clear: `stored` itself, or opened with `kek`. Throws
// std::runtime_error when it is sealed and there is no KEK, or the wrong one.
std::string private_key_in_clear(std::string_view stored, std::string_view kid, const KeyEncryption* kek);

}  // namespace tokengate::jose
