#include "client/status_list_cache.hpp"

#include <zlib.h>

#include <ctime>

#include "common/base64url.hpp"
#include "jose/jwt_verifier.hpp"

namespace tokengate::client {

std::optional<StatusEntry> status_entry(const boost::json::object& claims, bool https_only, std::string& problem) {
  auto status = claims.find("status");
  if (status == claims.end()) return std::nullopt;
  const boost::json::object* s = status->value().if_object();
  const boost::json::value* list = s ? s->if_contains("status_list") : nullptr;
  const boost::json::object* l = list ? list->if_object() : nullptr;
  const boost::json::value* idx = l ? l->if_contains("idx") : nullptr;
  const boost::json::value* uri = l ? l->if_contains("uri") : nullptr;
  if (!idx || !uri || !uri->is_string() || !(idx->is_int64() || idx->is_uint64()) ||
      (idx->is_int64() && idx->as_int64() < 0)) {
    problem = "The token's status claim is not a status_list {idx, uri}.";
    return StatusEntry{};
  }
  std::string u(uri->as_string());
  if (!u.starts_with("https://") && (https_only || !u.starts_with("http://"))) {
    problem = https_only ? "The token's status list URI is not an https URL." : "The token's status list URI is not an http(s) URL.";
    return StatusEntry{};
  }
  return StatusEntry{std::move(u), idx->is_int64() ? static_cast<uint64_t>(idx->as_int64()) : idx->as_uint64()};
}
namespace {

constexpr size_t kMaxListBytes = 16 * 1024 * 1024;  // a list of 2^27 one-bit entries

// RFC 1950 ZLIB, bounded.
std::optional<std::string> inflate_bounded(const std::string& compressed) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(chunk, sizeof chunk - z.avail_out);
    if (out.size() > kMaxListBytes) rc = Z_MEM_ERROR;
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) rc = Z_BUF_ERROR;  // truncated
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace

StatusListCache::Lookup StatusListCache::state_of(const List& list, uint64_t index) {
  uint64_t bit = index * static_cast<uint64_t>(list.bits);
  // Not in the list: not ours to vouch for.
  if (index > (UINT64_MAX >> 4) || bit / 8 >= list.bytes.size()) return {Lookup::State::revoked, list.fresh_until};
  unsigned value = (static_cast<unsigned char>(list.bytes[bit / 8]) >> (bit % 8)) & ((1u << list.bits) - 1);
  // 0 VALID; 1 INVALID, 2 SUSPENDED, and the rest: not valid.
  return {value == 0 ? Lookup::State::valid : Lookup::State::revoked, list.fresh_until};
}

StatusListCache::Lookup StatusListCache::lookup(const std::string& uri, uint64_t index) const {
  std::lock_guard lock(mutex_);
  auto it = lists_.find(uri);
  if (it == lists_.end() || std::chrono::steady_clock::now() >= it->second.fresh_until) return {};
  return state_of(it->second, index);
}

std::variant<StatusListCache::Lookup, std::string> StatusListCache::fetch_and_lookup(
    const std::string& uri, uint64_t index, const Fetcher& fetch, const jose::PublicKeySet& keys,
    const std::string& issuer) {
  std::shared_ptr<std::mutex> one;
  {
    std::lock_guard lock(mutex_);
    auto& slot = fetching_[uri];
    if (!slot) slot = std::make_shared<std::mutex>();
    one = slot;
  }
  std::lock_guard fetching(*one);  // a second caller waits here, then finds the list cached
  if (auto cached = lookup(uri, index); cached.state != Lookup::State::unknown) return cached;

  std::string token;
  try {
    token = fetch(uri);
  } catch (const std::exception& e) {
    return std::string("the status list could not be fetched: ") + e.what();
  }
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  jose::JwtExpectations expect;  // `iss` is optional in a Status List Token (§5.1): checked below if there
  expect.type = "statuslist+jwt";
  auto verified = jose::verify_jwt_once(token, keys, expect, now);  // fetched once per TTL: nothing to remember
  if (auto* failure = std::get_if<jose::JwtFailure>(&verified)) {
    std::string why = failure->message;
    if (!why.empty() && why.back() == '.') why.pop_back();
    return "the status list token is not valid: " + why;
  }
  const auto& claims = std::get<boost::json::object>(verified);
  if (auto iss = claims.find("iss"); iss != claims.end() && !issuer.empty() &&
                                     (!iss->value().is_string() || iss->value().as_string() != issuer))
    return std::string("the status list token was issued by another issuer");
  auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->value().is_string() || sub->value().as_string() != uri)
    return std::string("the status list token is for another list (sub)");
  auto sl = claims.find("status_list");
  if (sl == claims.end() || !sl->value().is_object()) return std::string("the status list token has no status_list");
  const auto& o = sl->value().as_object();
  auto bits = o.find("bits");
  auto lst = o.find("lst");
  if (bits == o.end() || !bits->value().is_int64() || lst == o.end() || !lst->value().is_string())
    return std::string("the status list token's status_list has no bits or lst");
  int64_t b = bits->value().as_int64();
  if (b != 1 && b != 2 && b != 4 && b != 8) return std::string("the status list's bits is not 1, 2, 4 or 8");
  auto compressed = common::base64url_decode(lst->value().as_string());
  auto bytes = compressed ? inflate_bounded(*compressed) : std::nullopt;
  if (!bytes) return std::string("the status list's lst is not base64url ZLIB data");

  int64_t ttl = default_ttl_.count();
  if (auto t = claims.find("ttl"); t != claims.end() && t->value().is_int64() && t->value().as_int64() > 0)
    ttl = std::min<int64_t>(t->value().as_int64(), 86400);  // a day at most: no clock overflow, no list kept forever
  if (auto e = claims.find("exp"); e != claims.end() && e->value().is_int64()) ttl = std::min(ttl, e->value().as_int64() - now);
  List list{std::move(*bytes), static_cast<int>(b), std::chrono::steady_clock::now() + std::chrono::seconds(std::max<int64_t>(ttl, 1))};
  Lookup answer = state_of(list, index);
  std::lock_guard lock(mutex_);
  if (lists_.size() >= max_lists_) lists_.erase(lists_.begin());  // bounded, whatever tokens name
  lists_[uri] = std::move(list);
  if (fetching_.size() > 4 * max_lists_) fetching_.clear();  // those in use are held by their callers
  return answer;
}

}  // namespace tokengate::client
