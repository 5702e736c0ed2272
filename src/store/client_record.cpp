#include "store/client_record.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tokengate::store {

const char* auth_name(ClientRecord::Auth auth) {
  switch (auth) {
    case ClientRecord::Auth::secret: return "client_secret";
    case ClientRecord::Auth::private_key_jwt: return "private_key_jwt";
    case ClientRecord::Auth::tls_client_auth: return "tls_client_auth";
    case ClientRecord::Auth::self_signed_tls_client_auth: return "self_signed_tls_client_auth";
  }
  return "client_secret";
}

std::optional<ClientRecord::Auth> parse_auth(std::string_view name) {
  for (auto auth : {ClientRecord::Auth::secret, ClientRecord::Auth::private_key_jwt, ClientRecord::Auth::tls_client_auth,
                    ClientRecord::Auth::self_signed_tls_client_auth})
    if (name == auth_name(auth)) return auth;
  return std::nullopt;
}

const char* tls_name_member(ClientRecord::TlsNameKind kind) {
  using K = ClientRecord::TlsNameKind;
  switch (kind) {
    case K::subject_dn: return "tls_client_auth_subject_dn";
    case K::san_dns: return "tls_client_auth_san_dns";
    case K::san_uri: return "tls_client_auth_san_uri";
    case K::san_ip: return "tls_client_auth_san_ip";
    case K::san_email: return "tls_client_auth_san_email";
    case K::none: break;
  }
  return "";
}

std::optional<ClientRecord::TlsNameKind> parse_tls_name_member(std::string_view member) {
  using K = ClientRecord::TlsNameKind;
  for (auto kind : {K::subject_dn, K::san_dns, K::san_uri, K::san_ip, K::san_email})
    if (member == tls_name_member(kind)) return kind;
  return std::nullopt;
}

std::string token_binding_json(const ClientRecord& c) {
  boost::json::object o;
  if (c.tls_name.kind != ClientRecord::TlsNameKind::none) o[tls_name_member(c.tls_name.kind)] = c.tls_name.value;
  if (!c.certificate_bound) o["tls_client_certificate_bound_access_tokens"] = false;
  if (c.require_dpop) o["dpop_bound_access_tokens"] = true;
  return o.empty() ? std::string() : boost::json::serialize(o);
}

bool read_token_binding(std::string_view text, ClientRecord& c) {
  c.tls_name = {};
  c.certificate_bound = true;
  c.require_dpop = false;
  if (text.empty()) return true;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return false;
  for (const auto& [key, value] : v.as_object()) {
    if (auto kind = parse_tls_name_member(key)) {
      if (!value.is_string()) return false;
      c.tls_name = {*kind, std::string(value.as_string())};
    } else if (key == "tls_client_certificate_bound_access_tokens" && value.is_bool()) {
      c.certificate_bound = value.as_bool();
    } else if (key == "dpop_bound_access_tokens" && value.is_bool()) {
      c.require_dpop = value.as_bool();
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace tokengate::store
