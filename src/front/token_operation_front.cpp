#include "front/token_operation_front.hpp"

#include "front/client_auth_methods.hpp"
#include "front/client_gate.hpp"

namespace tokengate::front {

TokenOperationFront::TokenOperationFront(const Mode& mode, Operation operation, ClientGate gate)
    : mode_(mode), operation_(operation), gate_(gate), authenticator_(client_auth_methods({})) {}

void TokenOperationFront::handle(const http::Request& request, http::Respond respond) const {
  auto parsed = oauth::parse_token_request(request);
  if (auto* e = std::get_if<oauth::OAuthError>(&parsed)) return respond(e->to_response());
  const oauth::TokenRequest& token_request = std::get<oauth::TokenRequest>(parsed);

  auto credentials = authenticator_.extract(token_request);
  if (auto* e = std::get_if<oauth::OAuthError>(&credentials)) return respond(e->to_response());
  const auto& client = std::get<oauth::PresentedCredentials>(credentials);

  auto gated = gate_.pass(request, client.id, /*grant=*/false, std::move(respond), /*cheap_to_check=*/!client.by_assertion());
  if (!gated) return;
  auto token = token_request.body.get("token");
  if (operation_ == Operation::introspect) mode_.introspect(token_request, client, token, std::move(*gated));
  else mode_.revoke(token_request, client, token, std::move(*gated));
}

}  // namespace tokengate::front
