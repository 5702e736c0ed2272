#pragma once
// Reading a JSON object's members as JWT claims, metadata and JWKs are read: a member that is
// absent or of another type reads as empty, never as an error.
#include <string_view>

#include <boost/json/object.hpp>

namespace tokengate::common {

// The member `name` if it is a string; else empty. A view into `o`.
std::string_view string_member(const boost::json::object& o, std::string_view name);

}  // namespace tokengate::common
