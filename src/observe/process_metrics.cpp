#include "observe/process_metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "observe/metrics.hpp"

namespace tokengate::observe {
namespace {

// Fields 14 (utime), 15 (stime), 22 (starttime), 23 (vsize), 24 (rss) of /proc/self/stat, counted
// after the command name, which may hold spaces (proc(5)).
struct ProcStat {
  double cpu_seconds = 0;
  double start_time = 0;
  double virtual_bytes = 0;
  double resident_bytes = 0;
  bool ok = false;
};

ProcStat read_proc_stat() {
  ProcStat s;
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return s;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return s;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  double values[24] = {};
  for (int i = 3; i <= 24 && fields >> field; ++i) values[i - 1] = std::strtod(field.c_str(), nullptr);
  double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  s.cpu_seconds = (values[13] + values[14]) / ticks;
  s.virtual_bytes = values[22];
  s.resident_bytes = values[23] * page;
  // starttime is in ticks since boot: add the boot time from /proc/stat.
  std::ifstream stat("/proc/stat");
  std::string key;
  double boot = 0;
  while (stat >> key) {
    if (key == "btime") {
      stat >> boot;
      break;
    }
    std::getline(stat, key);
  }
  s.start_time = boot + values[21] / ticks;
  s.ok = true;
  return s;
}

double open_fds() {
  double n = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (dirent* e = ::readdir(dir)) {
      if (e->d_name[0] != '.') ++n;
    }
    ::closedir(dir);
    n -= 1;  // the directory stream's own descriptor
  }
  return n;
}

}  // namespace

void write_process_metrics(Exposition& out) {
  ProcStat s = read_proc_stat();
  if (s.ok) {
    out.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
    out.sample("process_cpu_seconds_total", "", s.cpu_seconds);
    out.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    out.sample("process_resident_memory_bytes", "", s.resident_bytes);
    out.family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
    out.sample("process_virtual_memory_bytes", "", s.virtual_bytes);
    out.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
    out.sample("process_start_time_seconds", "", s.start_time);
  }
  out.family("process_open_fds", "gauge", "Number of open file descriptors.");
  out.sample("process_open_fds", "", open_fds());
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.family("process_max_fds", "gauge", "Maximum number of open file descriptors.");
    out.sample("process_max_fds", "", static_cast<double>(limit.rlim_cur));
  }
}

}  // namespace tokengate::observe
