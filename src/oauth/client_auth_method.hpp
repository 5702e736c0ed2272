#pragma once
// One way for a client to present its credentials at the token endpoint. Each method is a small
// class that only extracts credentials; ClientAuthenticator decides and verifies.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "oauth/oauth_error.hpp"
#include "oauth/token_request.hpp"

namespace tokengate::oauth {

struct PresentedCredentials {
  std::string id{};
  std::string secret{};
  bool via_basic = false;
  // private_key_jwt (RFC 7523 §2.2): the client_assertion, not yet verified. `id` is then the
  // client_id parameter or, without one, the `sub` the assertion claims: what the abuse limits
  // count by; the assertion's signature decides which client it is.
  std::string assertion{};
  bool id_given = false;  // with an assertion: `id` came from the client_id parameter
  bool by_assertion() const { return !assertion.empty(); }
  // tls_client_auth or self_signed_tls_client_auth (RFC 8705 §2): `id` is the client_id parameter
  // and the connection's client certificate is the credential.
  bool by_certificate = false;
};

// nullopt: the request does not use this method. Otherwise credentials, or an error if the method
// is used but malformed.
using Extraction = std::optional<std::variant<PresentedCredentials, OAuthError>>;

class ClientAuthMethod {
 public:
  virtual ~ClientAuthMethod() = default;
  virtual Extraction extract(const TokenRequest& request) const = 0;
};

// client_secret_basic, RFC 6749 §2.3.1: HTTP Basic with the form-urlencoded ID and secret.
// `ignore_other_schemes`: an Authorization header with another scheme is not a client
// authentication attempt but something else (the Cells SDKs send their Bearer token to the Cells
// token route too), so it is ignored instead of refused.
class ClientSecretBasic final : public ClientAuthMethod {
 public:
  explicit ClientSecretBasic(bool ignore_other_schemes = false) : ignore_other_schemes_(ignore_other_schemes) {}
  Extraction extract(const TokenRequest& request) const override;

 private:
  bool ignore_other_schemes_;
};

// client_secret_post, RFC 6749 §2.3.1: client_id and client_secret in the form body.
class ClientSecretPost final : public ClientAuthMethod {
 public:
  Extraction extract(const TokenRequest& request) const override;
};

// private_key_jwt, RFC 7523 §2.2 (RFC 7521 §4.2): client_assertion_type
// urn:ietf:params:oauth:client-assertion-type:jwt-bearer and a client_assertion JWT in the body.
class ClientAssertion final : public ClientAuthMethod {
 public:
  static constexpr std::string_view kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  static constexpr size_t kMaxLength = 8 * 1024;  // a Kubernetes or GitHub token is 1-2 KiB
  Extraction extract(const TokenRequest& request) const override;
};

// tls_client_auth and self_signed_tls_client_auth (RFC 8705 §2): a client certificate on the
// connection and client_id in the body (§2 requires it), with no other credential: a client that
// sends a secret or an assertion authenticates with that, its certificate only binding its tokens.
class TlsClientCertificate final : public ClientAuthMethod {
 public:
  Extraction extract(const TokenRequest& request) const override;
};

// The Aspose Cells Cloud form: ClientId and ClientSecret in the query string of
// POST /v4.0/cells/connect/token.
class CellsQueryCredentials final : public ClientAuthMethod {
 public:
  Extraction extract(const TokenRequest& request) const override;
};

}  // namespace tokengate::oauth
