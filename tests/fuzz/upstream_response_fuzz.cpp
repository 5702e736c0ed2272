// What the proxy makes of an upstream's answer: the token response parser, the introspection and
// revocation answers. The first byte picks the status.
#include <cstddef>
#include <cstdint>
#include <string>

#include "proxy/upstream_result.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const int kStatuses[] = {200, 400, 401, 403, 429, 500, 502, 503, 504};
  tokengate::proxy::UpstreamResult r;
  r.outcome = tokengate::proxy::UpstreamResult::Outcome::response;
  r.status = kStatuses[data[0] % std::size(kStatuses)];
  r.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  r.retry_after = r.body.substr(0, 12);
  tokengate::proxy::answer_for(r, data[0] & 0x80, tokengate::proxy::Clock::now());
  tokengate::proxy::introspection_answer(r, false);
  tokengate::proxy::revocation_answer(r, true);
  return 0;
}
