#pragma once
// A minimal HTTP/1.1 client for the CLI (`tokengate token`): one request, http or https with
// certificate and host name verification against the system CA store, an overall deadline.
#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tokengate::http {

struct ClientRequest {
  std::string method = "POST";
  std::string url;  // http://host[:port]/path?query or https://...
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};

struct ClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// Could not get a response: bad URL, DNS, connect, TLS, timeout. The message says which.
struct ClientError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

ClientResponse send(const ClientRequest& request);

}  // namespace tokengate::http
