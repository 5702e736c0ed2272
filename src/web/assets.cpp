#include "web/assets.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tokengate::web {
namespace {

std::string fingerprint(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a: enough to tell two builds' files apart
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(h >> shift) & 0xF];
  return out + "\"";
}

}  // namespace

const Asset* find_asset(std::string_view name) {
  for (const Asset& a : all_assets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string_view asset_etag(const Asset& asset) {
  static const std::vector<std::string> etags = [] {
    std::vector<std::string> out;
    for (const Asset& a : all_assets()) out.push_back(fingerprint(a.body));
    return out;
  }();
  return etags[static_cast<size_t>(&asset - all_assets().data())];
}

}  // namespace tokengate::web
