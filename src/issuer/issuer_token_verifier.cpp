#include "issuer/issuer_token_verifier.hpp"

#include <ctime>

#include "issuer/token_inspection.hpp"

namespace tokengate::issuer {

void IssuerTokenVerifier::verify(boost::asio::io_context&, std::string_view token, std::function<void(Result)> done) const {
  done(inspect_access_token(token, state_, state_.settings.default_audience, static_cast<int64_t>(std::time(nullptr))));
}

}  // namespace tokengate::issuer
