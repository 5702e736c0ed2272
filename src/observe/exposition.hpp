#pragma once
// The Prometheus text exposition format (0.0.4): what /metrics answers, written by the metrics
// registry (observe/metrics) and by the collectors other rooms register with it.
#include <cstdint>
#include <string>
#include <string_view>

namespace tokengate::observe {

// Writes the exposition text: one family at a time, then its samples.
class Exposition {
 public:
  // `type`: counter, gauge or histogram.
  void family(std::string_view name, std::string_view type, std::string_view help);
  // `labels`: already formatted, `route="/connect/token",outcome="issued"` (values escaped with
  // label_value), or empty.
  void sample(std::string_view name, std::string_view labels, double value);
  void sample(std::string_view name, std::string_view labels, uint64_t value);
  void sample_text(std::string_view name, std::string_view labels, std::string_view value);  // already formatted
  static std::string label_value(std::string_view raw);  // quoted and escaped
  std::string& text() { return out_; }

 private:
  std::string out_;
};

}  // namespace tokengate::observe
