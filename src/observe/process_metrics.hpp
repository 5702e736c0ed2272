#pragma once
// The standard process_* metrics every Prometheus client library exports (CPU, memory, file
// descriptors, start time), read from /proc at scrape time.
namespace tokengate::observe {

class Exposition;
void write_process_metrics(Exposition& out);

}  // namespace tokengate::observe
