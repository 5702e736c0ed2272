#include "store/client_record.hpp"

namespace tokengate::store {

const char* auth_name(ClientRecord::Auth auth) {
  return auth == ClientRecord::Auth::private_key_jwt ? "private_key_jwt" : "client_secret";
}

std::optional<ClientRecord::Auth> parse_auth(std::string_view name) {
  if (name == "client_secret") return ClientRecord::Auth::secret;
  if (name == "private_key_jwt") return ClientRecord::Auth::private_key_jwt;
  return std::nullopt;
}

}  // namespace tokengate::store
