#pragma once
// A scripted upstream for the proxy's unit tests: it records each request and lets the test answer
// it (or throw) when it chooses, on the test's own event loop.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "proxy/upstream_transport.hpp"

namespace tokengate::test_support {

class FakeTransport final : public proxy::UpstreamTransport {
 public:
  struct Call {
    proxy::UpstreamRequest request;
    std::function<void(proxy::UpstreamResult)> done;
  };

  void send(boost::asio::io_context&, proxy::UpstreamRequest request,
            std::function<void(proxy::UpstreamResult)> done) override {
    if (throw_on_send) throw std::runtime_error("the transport broke");
    calls.push_back({std::move(request), std::move(done)});
  }

  // Answers the oldest unanswered call.
  void answer(proxy::UpstreamResult result) {
    ASSERT_LT(answered, calls.size()) << "no call to answer";
    auto done = std::move(calls[answered++].done);
    done(std::move(result));
  }
  size_t pending() const { return calls.size() - answered; }

  static proxy::UpstreamResult response(int status, std::string body) {
    proxy::UpstreamResult r;
    r.outcome = proxy::UpstreamResult::Outcome::response;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static proxy::UpstreamResult failure(proxy::UpstreamResult::Outcome outcome) {
    proxy::UpstreamResult r;
    r.outcome = outcome;
    r.detail = "scripted failure";
    return r;
  }

  std::vector<Call> calls;
  size_t answered = 0;
  bool throw_on_send = false;
};

// Runs what has been posted to `loop` (answers to callers that joined another's call).
inline void drain(boost::asio::io_context& loop) {
  loop.restart();
  loop.poll();
}

}  // namespace tokengate::test_support
