#include "observe/request_context.hpp"

#include <random>

namespace tokengate::observe {
namespace {

thread_local RequestContext* t_current = nullptr;

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// splitmix64 over a per-thread random start: unique enough for correlating log lines, and cheap
// (request ids are not secrets).
uint64_t next_id() {
  thread_local uint64_t state = std::random_device{}() * 0x9E3779B97F4A7C15ull ^ std::random_device{}();
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

RequestContext* current_request() { return t_current; }

RequestScope::RequestScope(RequestContext& context) : previous_(t_current) { t_current = &context; }
RequestScope::~RequestScope() { t_current = previous_; }

void note_client_id(std::string_view id) {
  if (!t_current) return;
  // Bounded, and printable ASCII only: a log line must not carry whatever bytes a client sent.
  std::string& out = t_current->client_id;
  out.clear();
  for (char c : id.substr(0, 128)) out += (c > 0x20 && c < 0x7F && c != '"' && c != '\\') ? c : '?';
}

void assign_request_id(std::string& out, std::string_view offered) {
  if (sane_request_id(offered)) {
    out.assign(offered);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t v = next_id();
  out.resize(16);
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = kHex[v & 0xF];
}

}  // namespace tokengate::observe
