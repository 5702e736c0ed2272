#include "cli/commands.hpp"

namespace tokengate::cli {

std::string single_value(const std::string& name, const std::string& given, const std::vector<std::string>& leftover) {
  if (!given.empty() && leftover.empty()) return given;
  if (given.empty() && leftover.size() == 1) return leftover.front();
  if (given.empty() && leftover.empty()) throw UsageError(name + " is required");
  std::string extra;
  for (const auto& a : leftover) extra += " " + a;
  throw UsageError("unexpected arguments:" + extra);
}

}  // namespace tokengate::cli
