// tokengate::Claims and tokengate::VerifyResult: what a verification answers. The claims are the
// verified token's own (jose::VerifiedToken, shared with the process's memory of verified tokens).
#include <climits>

#include "common/scope_list.hpp"
#include "jose/verified_token_cache.hpp"
#include "tokengate/verifier.hpp"

namespace tokengate {
namespace {

const boost::json::object& object_of(const std::shared_ptr<const void>& p) {
  static const boost::json::object empty;
  return p ? static_cast<const jose::VerifiedToken*>(p.get())->claims : empty;
}

}  // namespace

const std::string& Claims::json() const {
  static const std::string empty = "{}";
  return state_ ? static_cast<const jose::VerifiedToken*>(state_.get())->claims_json() : empty;
}

std::optional<std::string> Claims::string(std::string_view name) const {
  const auto& o = object_of(state_);
  auto it = o.find(name);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().as_string());
}

std::optional<int64_t> Claims::integer(std::string_view name) const {
  const auto& o = object_of(state_);
  auto it = o.find(name);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64() && it->value().as_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(it->value().as_uint64());
  return std::nullopt;
}

std::string Claims::confirmation(std::string_view member) const {
  const auto& o = object_of(state_);
  auto cnf = o.find("cnf");
  if (cnf == o.end() || !cnf->value().is_object()) return {};
  auto it = cnf->value().as_object().find(member);
  if (it == cnf->value().as_object().end()) return {};
  // A member that is not a string, or empty, binds to nothing anyone can present.
  return it->value().is_string() && !it->value().as_string().empty() ? std::string(it->value().as_string())
                                                                      : std::string("?");
}

bool Claims::bound() const { return object_of(state_).contains("cnf"); }

std::vector<std::string> Claims::scopes() const { return common::split_scopes(string("scope").value_or("")); }

bool Claims::has_scope(std::string_view scope) const {
  for (const auto& s : scopes()) {
    if (s == scope) return true;
  }
  return false;
}

VerifyResult VerifyResult::success(Claims claims) {
  VerifyResult r;
  r.claims_ = std::move(claims);
  return r;
}

VerifyResult VerifyResult::failure(Error error, std::string message) {
  VerifyResult r;
  r.error_ = error;
  r.message_ = std::move(message);
  return r;
}

}  // namespace tokengate
