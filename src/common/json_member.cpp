#include "common/json_member.hpp"

namespace tokengate::common {

std::string_view string_member(const boost::json::object& o, std::string_view name) {
  auto it = o.find(name);
  return it != o.end() && it->value().is_string() ? std::string_view(it->value().as_string()) : std::string_view();
}

}  // namespace tokengate::common
