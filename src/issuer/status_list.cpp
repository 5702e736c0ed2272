#include "issuer/status_list.hpp"

#include <zlib.h>

#include <stdexcept>

#include "common/json_text.hpp"
#include "issuer/token_issuer.hpp"
#include "issuer/token_status.hpp"
#include "common/base64url.hpp"

namespace tokengate::issuer {

std::string status_list_bits(std::string_view list, const RevocationSnapshot& revocations) {
  std::string bits(kStatusListSize / 8, '\0');
  auto dot = list.find('.');
  if (dot != std::string_view::npos && revocations.generation_revoked(list.substr(0, dot))) {
    bits.assign(bits.size(), '\xff');
    return bits;
  }
  for (uint32_t i : revocations.revoked_indexes(list)) bits[i / 8] = static_cast<char>(bits[i / 8] | (1u << (i % 8)));
  return bits;
}

std::string encode_status_list(std::string_view bits) {
  uLongf size = compressBound(static_cast<uLong>(bits.size()));
  std::string compressed(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &size, reinterpret_cast<const Bytef*>(bits.data()),
                static_cast<uLong>(bits.size()), Z_BEST_COMPRESSION) != Z_OK)
    throw std::runtime_error("zlib could not compress a status list");
  compressed.resize(size);
  return common::base64url_encode(compressed);
}

std::string status_list_token(const KeySet& keys, std::string_view uri, std::string_view lst, int64_t now) {
  std::string payload = "{";
  common::append_json_member(payload, "sub", uri);
  payload += ',';
  common::append_json_member(payload, "iat", now);
  payload += ',';
  common::append_json_member(payload, "exp", now + kStatusListLifetime);
  payload += ',';
  common::append_json_member(payload, "ttl", kStatusListTtl);
  payload += ",\"status_list\":{\"bits\":1,";
  common::append_json_member_verbatim(payload, "lst", lst);  // base64url: nothing to escape
  payload += "}}";
  return sign_jwt(keys, "statuslist+jwt", payload);
}

}  // namespace tokengate::issuer
