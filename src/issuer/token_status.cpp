#include "issuer/token_status.hpp"

#include <array>
#include <charconv>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "common/random.hpp"
#include "issuer/status_list_names.hpp"
#include "common/base64url.hpp"

namespace tokengate::issuer {
namespace {

struct ListSlot {
  std::string list;  // "GENERATION.THREAD.SEGMENT.TAG"
  const StatusListNames* names = nullptr;  // what named it
  uint32_t segment = 0;
  uint32_t next = 0;  // how many positions were handed out
  // Positions are handed out in the order of a random bijection of [0, 2^16), index = (a * next +
  // b) mod 2^16 with `a` odd: a token's `jti` and `idx` do not tell how many tokens came before it.
  uint32_t a = 1, b = 0;
};

uint32_t random_u32() {
  uint32_t v = 0;
  common::random_bytes(reinterpret_cast<char*>(&v), sizeof v);
  return v;
}

// What each thread has opened, readable by another thread.
struct OpenedLists {
  std::mutex mutex;
  std::deque<std::string> lists;
  void add(const std::string& list) {
    std::lock_guard lock(mutex);
    if (lists.size() >= 10000) lists.pop_front();
    lists.push_back(list);
  }
};

struct Registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<OpenedLists>> threads;
};
Registry& registry() {
  static Registry r;
  return r;
}

std::shared_ptr<OpenedLists> this_threads_lists() {
  auto mine = std::make_shared<OpenedLists>();
  std::lock_guard lock(registry().mutex);  // once per thread
  registry().threads.push_back(mine);
  return mine;
}

struct ThreadLists {
  std::string thread_id = fresh_thread_id();
  std::unordered_map<std::string, ListSlot> by_generation;

  static std::string fresh_thread_id() {
    std::array<char, 9> bytes;  // 72 bits: threads of every process ever started never meet
    common::random_bytes(bytes.data(), bytes.size());
    return common::base64url_encode(std::string_view(bytes.data(), bytes.size()));
  }
};

void name_list(ListSlot& slot, std::string_view generation, const std::string& thread_id, const StatusListNames* names) {
  slot.list.assign(generation);
  slot.list += '.';
  slot.list += thread_id;
  slot.list += '.';
  slot.list += std::to_string(slot.segment);
  slot.names = names;
  if (names && names->tags()) {
    std::string tag = names->tag(slot.list);
    slot.list += '.';
    slot.list += tag;
  }
  slot.next = 0;
  slot.a = random_u32() | 1u;
  slot.b = random_u32();
}

bool is_base64url(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::optional<uint32_t> parse_number(std::string_view s, uint32_t limit) {
  uint32_t v = 0;
  if (s.empty() || s.size() > 10 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v >= limit) return std::nullopt;
  return v;
}

}  // namespace

StatusPosition next_status_position(std::string_view generation, const StatusListNames* names) {
  thread_local ThreadLists lists;
  thread_local std::shared_ptr<OpenedLists> opened = this_threads_lists();
  if (lists.by_generation.size() > 100'000) {
    // Bounded memory: start afresh under a new thread ID, so no position is ever handed out twice.
    lists = ThreadLists{};
  }
  auto it = lists.by_generation.find(std::string(generation));
  if (it == lists.by_generation.end()) {
    it = lists.by_generation.emplace(std::string(generation), ListSlot{}).first;
    name_list(it->second, generation, lists.thread_id, names);
    opened->add(it->second.list);
  } else if (it->second.next == kStatusListSize || it->second.names != names) {
    ++it->second.segment;
    name_list(it->second, generation, lists.thread_id, names);
    opened->add(it->second.list);
  }
  ListSlot& slot = it->second;
  uint32_t index = (slot.a * slot.next++ + slot.b) & (kStatusListSize - 1);
  return {slot.list, index};
}

std::vector<std::string> opened_status_lists() {
  std::vector<std::shared_ptr<OpenedLists>> threads;
  {
    std::lock_guard lock(registry().mutex);
    threads = registry().threads;
  }
  std::vector<std::string> out;
  for (const auto& t : threads) {
    std::lock_guard lock(t->mutex);
    out.insert(out.end(), t->lists.begin(), t->lists.end());
  }
  return out;
}

bool is_status_list_id(std::string_view list) {
  size_t a = list.find('.');
  size_t b = a == std::string_view::npos ? a : list.find('.', a + 1);
  if (b == std::string_view::npos) return false;
  size_t c = list.find('.', b + 1);  // before the tag, if there is one
  std::string_view segment = list.substr(b + 1, c == std::string_view::npos ? std::string_view::npos : c - b - 1);
  if (c != std::string_view::npos) {
    std::string_view tag = list.substr(c + 1);
    if (tag.size() != 16 || !is_base64url(tag)) return false;
  }
  return is_base64url(list.substr(0, a)) && is_base64url(list.substr(a + 1, b - a - 1)) &&
         parse_number(segment, UINT32_MAX).has_value();
}

std::optional<TokenId> parse_token_id(std::string_view jti) {
  size_t dot = jti.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  TokenId id;
  id.list = jti.substr(0, dot);
  auto index = parse_number(jti.substr(dot + 1), kStatusListSize);
  if (!index || !is_status_list_id(id.list)) return std::nullopt;
  id.index = *index;
  id.generation = id.list.substr(0, id.list.find('.'));
  return id;
}

}  // namespace tokengate::issuer
