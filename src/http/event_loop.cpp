#include "http/event_loop.hpp"

#include <optional>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace tokengate::http {
namespace {
thread_local std::vector<std::function<void()>> exit_hooks;
}

void at_event_loop_exit(std::function<void()> cleanup) { exit_hooks.push_back(std::move(cleanup)); }

void run_event_loop_exit_hooks() {
  auto hooks = std::move(exit_hooks);
  exit_hooks.clear();
  for (auto& h : hooks) h();
}

struct LoopTicket::Impl {
  boost::asio::io_context& loop;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep_running;
};

LoopTicket::LoopTicket(boost::asio::io_context& loop)
    : impl_(std::make_unique<Impl>(Impl{loop, boost::asio::make_work_guard(loop)})) {}
LoopTicket::LoopTicket(LoopTicket&&) noexcept = default;
LoopTicket::~LoopTicket() = default;

void LoopTicket::post(std::function<void()> fn) {
  auto guard = std::move(impl_->keep_running);
  impl_->keep_running.reset();
  boost::asio::post(impl_->loop, [fn = std::move(fn), guard = std::move(guard)]() mutable {
    fn();
    fn = nullptr;
    guard.reset();
  });
}

}  // namespace tokengate::http
