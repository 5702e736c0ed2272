#include "http/response_head.hpp"

#include <gtest/gtest.h>

using namespace tokengate::http;

TEST(ResponseHead, WritesStatusHeadersAndLength) {
  Response r;
  r.status = 401;
  r.body = "{}";
  r.no_store = true;
  r.header("WWW-Authenticate", "Basic realm=\"tokengate\"");
  std::string out = "left over";
  write_response_head(r, 11, true, out);
  EXPECT_EQ(out,
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
            "Pragma: no-cache\r\nX-Content-Type-Options: nosniff\r\nWWW-Authenticate: Basic realm=\"tokengate\"\r\nContent-Length: 2\r\n\r\n");
}

TEST(ResponseHead, ConnectionHeaderFollowsTheVersion) {
  Response r;
  std::string out;
  write_response_head(r, 11, false, out);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  write_response_head(r, 10, true, out);
  EXPECT_EQ(out.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(ResponseHead, DropsHeaderValuesThatWouldSplitTheResponse) {
  Response r;
  r.header("X-Evil", "a\r\nSet-Cookie: x=1");
  std::string out;
  write_response_head(r, 11, true, out);
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(out.find("X-Evil"), std::string::npos);
}

TEST(ResponseHead, NoContentLengthOnA204OrA304) {
  std::string out;
  for (int status : {204, 304}) {
    Response r;
    r.status = status;
    r.content_type = {};
    write_response_head(r, 11, true, out);
    EXPECT_EQ(out.find("Content-Length"), std::string::npos) << status;  // RFC 9110 §8.6
    EXPECT_TRUE(out.ends_with("\r\n\r\n"));
  }
}
