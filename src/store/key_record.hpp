#pragma once
// A signing key as the store keeps it: the active one signs, retired ones stay published until the
// last token they signed has expired.
#include <cstdint>
#include <optional>
#include <string>

#include "jose/algorithm.hpp"

namespace tokengate::store {

struct KeyRecord {
  std::string kid;
  jose::Algorithm alg = jose::Algorithm::ES256;
  std::string private_pem;
  int64_t created_at = 0;
  std::optional<int64_t> retired_at;  // nullopt = the active key
};

}  // namespace tokengate::store
