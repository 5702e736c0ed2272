#include "store/federation_record.hpp"

#include <stdexcept>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tokengate::store {

std::string conditions_json(const std::vector<std::pair<std::string, std::string>>& conditions) {
  boost::json::object o;
  for (const auto& [name, value] : conditions) o[name] = value;
  return boost::json::serialize(o);
}

std::vector<std::pair<std::string, std::string>> parse_conditions(std::string_view json) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) throw std::runtime_error("federation conditions are not a JSON object");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& member : v.as_object()) {
    if (!member.value().is_string()) throw std::runtime_error("a federation condition is not a string");
    out.emplace_back(std::string(member.key()), std::string(member.value().as_string()));
  }
  return out;
}

const char* keys_name(FederationRecord::Keys keys) {
  switch (keys) {
    case FederationRecord::Keys::discovery: return "discovery";
    case FederationRecord::Keys::jwks_uri: return "jwks_uri";
    case FederationRecord::Keys::spiffe_bundle: return "spiffe_bundle";
  }
  return "discovery";
}

std::optional<FederationRecord::Keys> parse_keys(std::string_view name) {
  if (name == "discovery") return FederationRecord::Keys::discovery;
  if (name == "jwks_uri") return FederationRecord::Keys::jwks_uri;
  if (name == "spiffe_bundle") return FederationRecord::Keys::spiffe_bundle;
  return std::nullopt;
}

}  // namespace tokengate::store
