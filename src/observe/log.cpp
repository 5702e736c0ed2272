#include "observe/log.hpp"

#include <ctime>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "observe/request_context.hpp"

namespace tokengate::observe {
namespace {

void append(spdlog::memory_buf_t& dest, std::string_view text) { dest.append(text.data(), text.data() + text.size()); }

// RFC 8259 §7: quotes, backslashes and control characters escaped; other bytes as they are (a
// message quotes only what common::safe_echo made printable).
void append_json_string(spdlog::memory_buf_t& dest, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  dest.push_back('"');
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      dest.push_back('\\');
      dest.push_back(ch);
    } else if (c < 0x20 || c == 0x7F) {
      append(dest, "\\u00");
      dest.push_back(kHex[c >> 4]);
      dest.push_back(kHex[c & 0xF]);
    } else {
      dest.push_back(ch);
    }
  }
  dest.push_back('"');
}

void append_time(spdlog::memory_buf_t& dest, std::chrono::system_clock::time_point t) {
  auto seconds = std::chrono::system_clock::to_time_t(t);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char text[32];
  size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(millis));
  append(dest, text);
}

// One line per message: `TIME LEVEL MESSAGE [request_id=… client_id=…]`, or a JSON object with
// time, level, message and the request's fields.
class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(bool json) : json_(json) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string_view message(msg.payload.data(), msg.payload.size());
    auto level_name = spdlog::level::to_string_view(msg.level);
    std::string_view level(level_name.data(), level_name.size());
    const RequestContext* request = current_request();
    if (json_) {
      append(dest, "{\"time\":\"");
      append_time(dest, msg.time);
      append(dest, "\",\"level\":\"");
      append(dest, level);
      append(dest, "\",\"message\":");
      append_json_string(dest, message);
      if (request) {
        append(dest, ",\"request_id\":");
        append_json_string(dest, request->request_id);
        append(dest, ",\"method\":");
        append_json_string(dest, request->method);
        append(dest, ",\"route\":");
        append_json_string(dest, request->route);
        if (!request->client_id.empty()) {
          append(dest, ",\"client_id\":");
          append_json_string(dest, request->client_id);
        }
        if (request->status) append(dest, ",\"status\":" + std::to_string(request->status));
        if (request->duration_us >= 0) {
          char ms[32];
          std::snprintf(ms, sizeof ms, ",\"duration_ms\":%.3f", static_cast<double>(request->duration_us) / 1000.0);
          append(dest, ms);
        }
      }
      append(dest, "}\n");
      return;
    }
    append_time(dest, msg.time);
    dest.push_back(' ');
    append(dest, level);
    dest.push_back(' ');
    append(dest, message);
    if (request) {
      append(dest, " request_id=");
      append(dest, request->request_id);
      if (!request->client_id.empty()) {
        append(dest, " client_id=");
        append(dest, request->client_id);
      }
    }
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<LineFormatter>(json_); }

 private:
  bool json_;
};

}  // namespace

void setup_logging(const std::string& level, const std::string& format) {
  auto logger = spdlog::get("tokengate");
  if (!logger) logger = spdlog::stderr_logger_mt("tokengate");
  logger->set_formatter(std::make_unique<LineFormatter>(format == "json"));
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

}  // namespace tokengate::observe
