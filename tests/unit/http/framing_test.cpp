// Request framing (RFC 9112 §6): what could be read two ways is refused.
#include "http/framing.hpp"

#include <gtest/gtest.h>

using namespace tokengate::http;

namespace {

RequestHead head() {
  RequestHead h;
  h.host_count = 1;
  return h;
}

TEST(Framing, PlainRequestsAreRead) {
  EXPECT_EQ(check_framing(head()).kind, FramingVerdict::read_body);
  RequestHead chunked = head();
  chunked.transfer_encoding = {"Chunked"};
  EXPECT_EQ(check_framing(chunked).kind, FramingVerdict::read_body);
  RequestHead old;
  old.version = 10;  // HTTP/1.0 needs no Host
  EXPECT_EQ(check_framing(old).kind, FramingVerdict::read_body);
}

TEST(Framing, ATransferEncodingThatDoesNotEndInChunkedIsRefused) {
  for (std::vector<std::string_view> te : std::vector<std::vector<std::string_view>>{
           {"gzip"}, {"identity"}, {"xchunked"}, {"chunked, identity"}, {"chunked", "identity"}, {""}, {" , "}}) {
    RequestHead h = head();
    h.transfer_encoding = te;
    auto v = check_framing(h);
    EXPECT_EQ(v.kind, FramingVerdict::refuse);
    EXPECT_EQ(v.status, 400);
  }
  RequestHead gzip_chunked = head();
  gzip_chunked.transfer_encoding = {"gzip, chunked"};
  EXPECT_EQ(check_framing(gzip_chunked).status, 501);
  RequestHead both = head();
  both.transfer_encoding = {"chunked"};
  both.content_length = true;
  EXPECT_EQ(check_framing(both).status, 400);
}

TEST(Framing, HostIsRequiredOnceInHttp11) {
  RequestHead none = head();
  none.host_count = 0;
  EXPECT_EQ(check_framing(none).status, 400);
  RequestHead two = head();
  two.host_count = 2;
  EXPECT_EQ(check_framing(two).status, 400);
}

TEST(Framing, ExpectContinueIsMetAndNothingElse) {
  RequestHead h = head();
  h.expect = {"100-Continue"};
  EXPECT_EQ(check_framing(h).kind, FramingVerdict::send_continue);
  h.expect = {"something-else"};
  EXPECT_EQ(check_framing(h).status, 417);
}

}  // namespace
