#include "issuer/issuer_token_verifier.hpp"

#include <ctime>

namespace tokengate::issuer {

void IssuerTokenVerifier::verify(boost::asio::io_context&, std::string_view token, std::function<void(Result)> done) const {
  const KeySet& keys = store::read_snapshot(state_.keys);
  jose::JwtExpectations expect{state_.settings.issuer, state_.settings.default_audience};
  done(jose::verify_access_token(token, keys.public_keys, expect, static_cast<int64_t>(std::time(nullptr))));
}

}  // namespace tokengate::issuer
