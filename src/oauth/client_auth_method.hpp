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
  std::string id;
  std::string secret;
  bool via_basic = false;
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

// The Aspose Cells Cloud form: ClientId and ClientSecret in the query string of
// POST /v4.0/cells/connect/token.
class CellsQueryCredentials final : public ClientAuthMethod {
 public:
  Extraction extract(const TokenRequest& request) const override;
};

}  // namespace tokengate::oauth
