#pragma once
// libtokengate's HTTP: one request, http or https (certificates and host names verified against
// the system's CA store or `ca_file`), a deadline, no redirects followed. libcurl, one easy handle
// per thread, so that connections to the same server are reused.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tokengate/error.hpp"

namespace tokengate::client {

struct FetchRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  std::string ca_file;
  std::string client_certificate_file;  // PEM: mutual TLS with this certificate ...
  std::string client_key_file;          // ... and its private key
  size_t max_body = 4 * 1024 * 1024;  // a longer answer fails (unreachable, "larger than …")
};

// A request carrying the transport settings (timeout, CA file) of a TokenSource or Verifier's options.
template <class Options>
FetchRequest request_with(const Options& options) {
  FetchRequest r;
  r.timeout = options.timeout;
  r.ca_file = options.ca_file;
  return r;
}

struct FetchResponse {
  int status = 0;
  std::string body;
  std::string cache_control;  // the Cache-Control header, if any
  std::string content_type;
  std::string dpop_nonce;  // the DPoP-Nonce header (RFC 9449 §8), if any
};

// Throws tokengate::Error: `unreachable` (DNS, connect, TLS, timeout: the message says which) or
// `configuration` (a URL that is not http(s), an unreadable CA file).
FetchResponse fetch(const FetchRequest& request);

// How a cache of ours fetches: `fetch` above, or a test's own function.
using FetchFunction = std::function<FetchResponse(const FetchRequest&)>;

// max-age=N of a Cache-Control value (RFC 9111 §5.2.2.1); 0 for no-store/no-cache; nullopt if absent.
std::optional<std::chrono::seconds> max_age(const std::string& cache_control);

}  // namespace tokengate::client
