#pragma once
// libtokengate: errors a TokenSource throws. (A Verifier does not throw for a bad token: it says
// why in its VerifyResult.)
#include <stdexcept>
#include <string>

namespace tokengate {

class Error : public std::runtime_error {
 public:
  enum class Code {
    configuration,  // the options cannot work (no URL, a malformed one, an unreadable CA file)
    unreachable,    // the server could not be reached, or did not answer in time
    refused,        // the server answered with an OAuth error (its `error` is in the message)
    bad_response,   // the server answered something that is not what RFC 6749 / RFC 8414 say
  };

  Error(Code code, const std::string& message, int http_status = 0)
      : std::runtime_error(message), code_(code), http_status_(http_status) {}

  Code code() const { return code_; }
  int http_status() const { return http_status_; }  // 0 when there was no HTTP answer

 private:
  Code code_;
  int http_status_;
};

}  // namespace tokengate
