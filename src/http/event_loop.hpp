#pragma once
// Event-loop services for code that keeps per-thread I/O state (the proxy's connection pools) and
// for answers that arrive on another thread than the one that must deliver them.
#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace tokengate::http {

// Registers `cleanup` to run on this thread when its event loop has stopped, while the io_context
// still exists: for thread-local objects that hold sockets (the proxy's connection pools).
void at_event_loop_exit(std::function<void()> cleanup);
void run_event_loop_exit_hooks();  // by the server, per thread, after io_context::run returns

// A promise to run something on `loop` later, from any thread. While it is held the loop keeps
// running (a graceful stop waits for it). Used by callers that wait for another thread's work (a
// shared upstream call, a JWKS fetch): their session must be answered, and released, on its own
// thread.
class LoopTicket {
 public:
  explicit LoopTicket(boost::asio::io_context& loop);
  LoopTicket(LoopTicket&&) noexcept;
  ~LoopTicket();

  // Runs `fn` on the loop; the ticket is spent (the loop is released once `fn` has run).
  void post(std::function<void()> fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Wraps `done` so that calling the result from any thread runs `done` on `loop`, with a copy of
// the value; `done` itself is destroyed on `loop`. Call the result at most once.
template <class T>
std::function<void(const T&)> answer_on(boost::asio::io_context& loop, std::function<void(T)> done) {
  struct State {
    LoopTicket ticket;
    std::function<void(T)> done;
  };
  auto state = std::make_shared<State>(State{LoopTicket(loop), std::move(done)});
  return [state](const T& value) {
    state->ticket.post([state, value]() mutable {
      auto done = std::move(state->done);
      state->done = nullptr;
      done(std::move(value));
    });
  };
}

}  // namespace tokengate::http
