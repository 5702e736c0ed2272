// The config loader: a TOML file of anything.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/tokengate-config-fuzz-" + std::to_string(::getpid()) + ".toml";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  try {
    tokengate::config::load(path, {});
  } catch (const tokengate::config::ConfigError&) {  // the expected answer to bad input
  }
  return 0;
}
