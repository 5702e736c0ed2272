// multipart/form-data text fields, as the Aspose SDK 23.x's oAuthPost sends them, and its malformations.
#include "oauth/multipart_form.hpp"

#include <gtest/gtest.h>

using tokengate::oauth::is_multipart_form;
using tokengate::oauth::parse_multipart_form;

namespace {

const std::string kType = "multipart/form-data; boundary=--------------------------1372";

std::string part(const std::string& name, const std::string& value) {
  return "----------------------------1372\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value +
         "\r\n";
}

TEST(MultipartForm, ReadsTheFieldsTheSdkSends) {
  std::string body = part("grant_type", "client_credentials") + part("client_id", "id") +
                     part("client_secret", "s3cr=t&x") + "----------------------------1372--\r\n";
  std::string error;
  auto form = parse_multipart_form(kType, body, error);
  ASSERT_TRUE(form) << error;
  EXPECT_EQ(form->get("grant_type"), "client_credentials");
  EXPECT_EQ(form->get("client_id"), "id");
  EXPECT_EQ(form->get("client_secret"), "s3cr=t&x");  // no percent-decoding: values are literal
  EXPECT_TRUE(is_multipart_form("Multipart/Form-Data; boundary=x"));
  EXPECT_FALSE(is_multipart_form("application/x-www-form-urlencoded"));
}

TEST(MultipartForm, RefusesWhatIsNotWellFormed) {
  std::string good = part("a", "1") + "----------------------------1372--";
  struct Case {
    std::string type, body, says;
  };
  std::vector<Case> cases = {
      {"multipart/form-data", good, "boundary"},
      {kType, "no boundary here", "boundary"},
      {kType, "----------------------------1372\r\nContent-Disposition: form-data; name=\"a\"\r\n1\r\n", "blank line"},
      {kType, "----------------------------1372\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunclosed", "closed"},
      {kType, "----------------------------1372\r\nContent-Type: text/plain\r\n\r\n1\r\n----------------------------1372--", "name"},
      {kType, "----------------------------1372\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n1\r\n----------------------------1372--", "file"},
      {kType, part("a", "1") + part("a", "2") + "----------------------------1372--", "repeated"},
      {kType, "----------------------------1372XX", "CRLF"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(parse_multipart_form(c.type, c.body, error)) << c.body;
    EXPECT_NE(error.find(c.says), std::string::npos) << error;
  }
}

}  // namespace
