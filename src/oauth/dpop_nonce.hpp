#pragma once
// DPoP server nonces (RFC 9449 §8): a value the server hands out in `DPoP-Nonce` and a proof must
// carry, so that a proof cannot be made ahead of time. Every node of a deployment accepts the
// nonces of every other without asking the store: a nonce is the number of the 60-second window it
// was made in and an HMAC of that number under a key the nodes share (in the store, read once at
// start). A nonce is good in its window and the next one: 60 to 120 seconds.
#include <cstdint>
#include <string>
#include <string_view>

#include "jose/dpop_proof.hpp"

namespace tokengate::oauth {

class DpopNonces final : public jose::DpopNonceCheck {
 public:
  static constexpr int64_t kWindow = 60;  // seconds

  explicit DpopNonces(std::string key);  // at least 32 bytes
  ~DpopNonces() override;

  std::string current(int64_t now) const;
  bool valid(std::string_view nonce, int64_t now) const override;
  // A valid nonce made in the previous window: the client is told the next (§8.2) so that it does
  // not fall behind.
  bool stale(std::string_view nonce, int64_t now) const;

 private:
  std::string make(int64_t window) const;
  std::string key_;
};

}  // namespace tokengate::oauth
