// Per-thread counting, summed at scrape time, and the text the scrape gets.
#include "observe/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "observe/request_context.hpp"

using namespace tokengate;
using observe::Metrics;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(Metrics, CountsFromManyThreadsAddUp) {
  auto& m = Metrics::instance();
  uint16_t route = m.register_route("/test/threads", observe::RouteKind::token);
  EXPECT_EQ(m.register_route("/test/threads", observe::RouteKind::token), route) << "the same route, the same index";
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, route] {
      for (int i = 0; i < 10000; ++i) m.record_request(route, 200, "", false, std::chrono::microseconds(300));
      for (int i = 0; i < 7; ++i) m.record_request(route, 401, "invalid_client", false, std::chrono::microseconds(50));
      m.record_request(route, 400, "something_new", false, std::chrono::microseconds(50));
      m.record_request(route, 502, "server_error", true, std::chrono::seconds(20));
      m.record_request(route, 503, "temporarily_unavailable", false, std::chrono::milliseconds(1));
    });
  }
  for (auto& t : threads) t.join();
  std::string text = m.exposition();
  const std::string r = "route=\"/test/threads\"";
  EXPECT_TRUE(has_line(text, "tokengate_token_requests_total{" + r + ",outcome=\"issued\"} 40000")) << text;
  EXPECT_TRUE(has_line(text, "tokengate_token_requests_total{" + r + ",outcome=\"client_error\",error=\"invalid_client\"} 28"));
  EXPECT_TRUE(has_line(text, "tokengate_token_requests_total{" + r + ",outcome=\"client_error\",error=\"other\"} 4"));
  EXPECT_TRUE(has_line(text, "tokengate_token_requests_total{" + r + ",outcome=\"upstream_error\"} 4"));
  EXPECT_TRUE(has_line(text, "tokengate_token_requests_total{" + r + ",outcome=\"server_error\"} 4"));
  EXPECT_TRUE(has_line(text, "tokengate_token_request_duration_seconds_bucket{" + r + ",le=\"0.0001\"} 32"));
  EXPECT_TRUE(has_line(text, "tokengate_token_request_duration_seconds_bucket{" + r + ",le=\"0.0005\"} 40032"));
  EXPECT_TRUE(has_line(text, "tokengate_token_request_duration_seconds_bucket{" + r + ",le=\"10\"} 40036"));
  EXPECT_TRUE(has_line(text, "tokengate_token_request_duration_seconds_bucket{" + r + ",le=\"+Inf\"} 40040"));
  EXPECT_TRUE(has_line(text, "tokengate_token_request_duration_seconds_count{" + r + "} 40040"));
  // 40000 × 300 µs + 32 × 50 µs + 4 × 20 s + 4 × 1 ms, exactly
  EXPECT_TRUE(has_line(text, "tokengate_token_request_duration_seconds_sum{" + r + "} 92.005600000")) << text;
}

TEST(Metrics, CollectorsAreShownWhileTheirHandleLives) {
  auto& m = Metrics::instance();
  {
    auto handle = m.add_collector([](observe::Exposition& out) {
      out.family("test_gauge", "gauge", "A gauge with a \\ and a\nnewline in its help.");
      out.sample("test_gauge", "name=" + observe::Exposition::label_value("quote\" back\\slash"), uint64_t{7});
    });
    std::string text = m.exposition();
    EXPECT_TRUE(has_line(text, "# HELP test_gauge A gauge with a \\\\ and a\\nnewline in its help."));
    EXPECT_TRUE(has_line(text, "test_gauge{name=\"quote\\\" back\\\\slash\"} 7"));
  }
  EXPECT_EQ(m.exposition().find("test_gauge"), std::string::npos);
}

TEST(Metrics, TheProcessFiguresAreThere) {
  std::string text = Metrics::instance().exposition();
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                           "process_max_fds", "process_start_time_seconds", "tokengate_build_info"})
    EXPECT_NE(text.find(std::string("\n") + name), std::string::npos) << name;
}

TEST(RequestId, ASaneOfferedIdIsKeptAnythingElseIsReplaced) {
  std::string id;
  observe::assign_request_id(id, "abc-123_x.y:z");
  EXPECT_EQ(id, "abc-123_x.y:z");
  const std::string overlong(129, 'a');
  for (std::string_view bad : {std::string_view(""), std::string_view("has space"), std::string_view("new\nline"),
                               std::string_view("quote\""), std::string_view(overlong)}) {
    observe::assign_request_id(id, bad);
    EXPECT_EQ(id.size(), 16u) << bad;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  }
  std::string other;
  observe::assign_request_id(other, "");
  EXPECT_NE(id, other);
}

}  // namespace

// A room's own counters and histograms (the proxy's, say): counted per thread, shown by its collector.
TEST(Metrics, ARoomsOwnCountersAddUpAndShowThroughItsCollector) {
  auto& m = Metrics::instance();
  // Registered once per process (the registry is bounded), so that --gtest_repeat works.
  static const observe::CounterId calls = m.add_counter();
  static const observe::CounterId other = m.add_counter();
  static const observe::HistogramId took = m.add_histogram();
  const uint64_t calls_before = m.total(calls);
  EXPECT_NE(calls.index, other.index);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) m.count(calls);
      m.observe(took, std::chrono::milliseconds(2));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.total(calls) - calls_before, 3000u);
  EXPECT_EQ(m.total(other), 0u);
  if (calls_before) return;  // a repeat: the exposition's totals below are of every run
  auto handle = m.add_collector([&](observe::Exposition& out) {
    out.family("test_room_calls_total", "counter", "Calls.");
    out.sample("test_room_calls_total", "", m.total(calls));
    out.family("test_room_seconds", "histogram", "Time.");
    m.write_histogram(out, "test_room_seconds", "", took);
  });
  std::string text = m.exposition();
  EXPECT_TRUE(has_line(text, "test_room_calls_total 3000")) << text;
  EXPECT_TRUE(has_line(text, "test_room_seconds_bucket{le=\"0.001\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "test_room_seconds_bucket{le=\"0.0025\"} 3")) << text;
  EXPECT_TRUE(has_line(text, "test_room_seconds_count 3")) << text;
}
