#include "client/http_fetch.hpp"

#include <curl/curl.h>

#include <charconv>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>

#include "common/ascii.hpp"

namespace tokengate::client {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct HandleDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};

// This thread's handle: reusing it keeps connections (and TLS sessions) alive between requests.
CURL* thread_handle() {
  thread_local std::unique_ptr<CURL, HandleDeleter> handle;
  if (!handle) {
    global_init();
    handle.reset(curl_easy_init());
    if (!handle) throw Error(Error::Code::unreachable, "libcurl could not make a handle");
  }
  curl_easy_reset(handle.get());
  return handle.get();
}

struct BodySink {
  std::string& out;
  size_t max;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  size_t n = size * count;
  if (sink->out.size() + n > sink->max) return 0;  // bounded: a JWKS or token response is small
  sink->out.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<FetchResponse*>(user);
  std::string_view line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view name = line.substr(0, colon);
    std::string_view value = common::trim_ows(line.substr(colon + 1));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.remove_suffix(1);
    if (common::iequals(name, "cache-control")) out->cache_control.assign(value);
    else if (common::iequals(name, "content-type")) out->content_type.assign(value);
    else if (common::iequals(name, "dpop-nonce")) out->dpop_nonce.assign(value);
  }
  return size * count;
}

}  // namespace

FetchResponse fetch(const FetchRequest& request) {
  if (!request.url.starts_with("http://") && !request.url.starts_with("https://"))
    throw Error(Error::Code::configuration, "'" + request.url + "' is not an http(s) URL");
  CURL* h = thread_handle();
  FetchResponse response;
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!request.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, request.ca_file.c_str());
  // Mutual TLS (RFC 8705): set or cleared on every request, the handle serving others too. libcurl
  // reuses a connection only for the same client certificate.
  curl_easy_setopt(h, CURLOPT_SSLCERT, request.client_certificate_file.empty() ? nullptr : request.client_certificate_file.c_str());
  curl_easy_setopt(h, CURLOPT_SSLKEY, request.client_key_file.empty() ? nullptr : request.client_key_file.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  BodySink sink{response.body, request.max_body};
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "libtokengate/" TOKENGATE_VERSION);
  if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  struct curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) headers = curl_slist_append(headers, (name + ": " + value).c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);

  CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(headers);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);  // `error` is on this stack; the handle lives on
  if (rc != CURLE_OK) {
    std::string why = error[0] ? error : curl_easy_strerror(rc);
    long os_errno = 0;
    if (curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK && os_errno != 0)
      why += " (" + std::string(std::strerror(static_cast<int>(os_errno))) + ")";
    if (rc == CURLE_SSL_CACERT_BADFILE) throw Error(Error::Code::configuration, "ca_file: " + why);
    if (rc == CURLE_WRITE_ERROR) why = "the answer is larger than " + std::to_string(request.max_body / 1024) + " KiB";
    // The URL without its query: a query may hold credentials (the Cells form).
    throw Error(Error::Code::unreachable, request.method + " " + request.url.substr(0, request.url.find('?')) + ": " + why);
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

std::optional<std::chrono::seconds> max_age(const std::string& cache_control) {
  std::string_view v = cache_control;
  std::optional<std::chrono::seconds> age;
  while (!v.empty()) {
    size_t comma = v.find(',');
    std::string_view directive = common::trim_ows(v.substr(0, comma));
    if (common::iequals(directive, "no-store") || common::iequals(directive, "no-cache")) return std::chrono::seconds(0);
    if (common::istarts_with(directive, "max-age=")) {
      std::string_view digits = directive.substr(8);
      int64_t seconds = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
      if (ec == std::errc() && end == digits.data() + digits.size() && seconds >= 0) age = std::chrono::seconds(seconds);
    }
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return age;
}

}  // namespace tokengate::client
