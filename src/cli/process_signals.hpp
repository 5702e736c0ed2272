#pragma once
// The serve command's process signals, for every listener it runs: SIGINT and SIGTERM stop them
// all (each lets its requests in flight finish), SIGHUP reloads their TLS certificate and key.
// Taken over at construction, right after the listeners are bound: a SIGTERM that comes before
// they run is answered as soon as they do. A thread of its own; the listeners are stopped with
// Server::stop, which may be called from any thread.
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/server.hpp"

namespace tokengate::cli {

class ProcessSignals {
 public:
  // `reload_on_hangup`: SIGHUP reloads certificates (a listener serves TLS); otherwise SIGHUP keeps
  // its default action (it ends the process), as for any server without anything to reload.
  explicit ProcessSignals(bool reload_on_hangup);
  ~ProcessSignals();  // gives the signals back (their default action) and joins its thread
  ProcessSignals(const ProcessSignals&) = delete;
  ProcessSignals& operator=(const ProcessSignals&) = delete;

  // `server` is stopped and reloaded with the others while the handle lives (drop it before the
  // server goes).
  [[nodiscard]] std::shared_ptr<void> add(http::Server& server);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tokengate::cli
