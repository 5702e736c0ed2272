#include "cli/process_signals.hpp"

#include <algorithm>
#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

namespace tokengate::cli {

struct ProcessSignals::Impl {
  boost::asio::io_context loop;
  boost::asio::signal_set signals{loop, SIGINT, SIGTERM};
  std::mutex mutex;  // servers, stopped
  std::vector<http::Server*> servers;
  bool stopped = false;  // a listener added after the stop signal is stopped at once
  std::thread thread;

  void wait() {
    signals.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      std::lock_guard lock(mutex);
      if (signal == SIGHUP) {
        for (http::Server* s : servers) s->reload_tls("SIGHUP");
      } else {
        stopped = true;
        for (http::Server* s : servers) s->stop();
      }
      wait();
    });
  }
};

ProcessSignals::ProcessSignals(bool reload_on_hangup) : impl_(std::make_unique<Impl>()) {
  if (reload_on_hangup) impl_->signals.add(SIGHUP);
  impl_->wait();
  impl_->thread = std::thread([impl = impl_.get()] { impl->loop.run(); });
}

ProcessSignals::~ProcessSignals() {
  boost::asio::post(impl_->loop, [impl = impl_.get()] {
    boost::system::error_code ec;
    impl->signals.clear(ec);
    impl->signals.cancel(ec);
  });
  impl_->thread.join();
}

std::shared_ptr<void> ProcessSignals::add(http::Server& server) {
  std::lock_guard lock(impl_->mutex);
  impl_->servers.push_back(&server);
  if (impl_->stopped) server.stop();
  return std::shared_ptr<void>(nullptr, [impl = impl_.get(), s = &server](void*) {
    std::lock_guard lock(impl->mutex);
    std::erase(impl->servers, s);
  });
}

}  // namespace tokengate::cli
