// get_token: a service that calls an API protected by tokengate (or Aspose Cloud, Keycloak, ...).
// The TokenSource keeps one token and renews it before it expires; ask it before each call.
//
//   TOKEN_ISSUER=http://127.0.0.1:8080 CLIENT_ID=... CLIENT_SECRET=... get_token http://127.0.0.1:8080/v4.0/cells
#include <curl/curl.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "tokengate/token_source.hpp"

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// GET `url` with the token; the status, and the body in `body`.
long call_api(const std::string& url, const std::string& token, std::string& body) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, ("Authorization: Bearer " + token).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: TOKEN_ISSUER=URL (or TOKEN_URL=URL) CLIENT_ID=… CLIENT_SECRET=… get_token API_URL\n";
    return 2;
  }
  try {
    tokengate::TokenSource tokens({.issuer = env("TOKEN_ISSUER"),
                                   .token_url = env("TOKEN_URL"),
                                   .client_id = env("CLIENT_ID"),
                                   .client_secret = env("CLIENT_SECRET"),
                                   .scope = env("SCOPE")});
    std::string body;
    long status = call_api(argv[1], tokens.token(), body);
    if (status == 401) {  // the token was revoked meanwhile: get a new one, once
      tokens.invalidate();
      body.clear();
      status = call_api(argv[1], tokens.token(), body);
    }
    std::cout << status << " " << body << "\n";
    return status == 200 ? 0 : 1;
  } catch (const tokengate::Error& e) {
    std::cerr << "get_token: " << e.what() << "\n";
    return 1;
  }
}
