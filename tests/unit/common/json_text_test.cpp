#include "common/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

using namespace tokengate::common;

TEST(JsonText, EscapesWhatJsonRequires) {
  std::string out = "{";
  append_json_member(out, "s", std::string_view("a\"b\\c\n\x01", 7));
  out += ',';
  append_json_member(out, "n", int64_t{-42});
  out += '}';
  auto v = boost::json::parse(out).as_object();
  EXPECT_EQ(v.at("s").as_string(), std::string_view("a\"b\\c\n\x01", 7));
  EXPECT_EQ(v.at("n").as_int64(), -42);
}
