#pragma once
// A plain HTTP/1.1 server on a loopback port, in a thread of its own, for unit tests of our HTTP
// clients (proxy/upstream_client, libtokengate): it records each request as received and answers
// with what the test's function returns, bytes as they are (so a test can answer garbage, answer
// late, or close without answering). Keep-alive: one connection may carry several requests.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tokengate::test_support {

struct ReceivedRequest {
  std::string head;  // request line and headers
  std::string body;
  std::string header(const std::string& name) const {  // case-insensitive, first match
    std::string lower_head = lower(head), key = "\r\n" + lower(name) + ":";
    size_t at = lower_head.find(key);
    if (at == std::string::npos) return "";
    size_t start = at + key.size();
    size_t end = head.find("\r\n", start);
    std::string v = head.substr(start, end - start);
    while (!v.empty() && v.front() == ' ') v.erase(v.begin());
    return v;
  }
  std::string request_line() const { return head.substr(0, head.find("\r\n")); }
  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
};

// What to do with a request: the bytes to send (nullopt: close the connection without answering),
// and how long to wait first.
struct Reply {
  std::optional<std::string> bytes;
  std::chrono::milliseconds delay{0};

  static Reply http(int status, const std::string& body, const std::string& extra_headers = "",
                    const std::string& content_type = "application/json") {
    return {"HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + content_type +
            "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body};
  }
};

class LocalHttpServer {
 public:
  using Handler = std::function<Reply(const ReceivedRequest&)>;

  explicit LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("local test server: cannot listen");
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LocalHttpServer() {
    stopping_ = true;
    thread_.join();
    ::close(fd_);
  }

  uint16_t port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<ReceivedRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int connections() const { return connections_.load(); }

 private:
  // One thread serves every connection in turn: each is read until idle for a moment.
  void serve() {
    std::vector<int> open;
    while (!stopping_) {
      std::vector<pollfd> fds{{fd_, POLLIN, 0}};
      for (int c : open) fds.push_back({c, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c >= 0) {
          timeval two_seconds{2, 0};  // a half-sent request cannot hold the server (and its join) for ever
          ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &two_seconds, sizeof two_seconds);
          open.push_back(c);
          ++connections_;
        }
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int c = fds[i].fd;
        if (!answer(c)) {
          ::close(c);
          std::erase(open, c);
        }
      }
    }
    for (int c : open) ::close(c);
  }

  // Reads one request from `c` and answers it; false: the connection is to be closed.
  bool answer(int c) {
    std::string data;
    char buf[4096];
    size_t head_end;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      data.append(buf, static_cast<size_t>(n));
    }
    ReceivedRequest r;
    r.head = data.substr(0, head_end + 2);
    size_t length = 0;
    if (auto v = r.header("Content-Length"); !v.empty()) length = std::stoul(v);
    r.body = data.substr(head_end + 4);
    while (r.body.size() < length) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return false;
      r.body.append(buf, static_cast<size_t>(n));
    }
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(r);
    }
    Reply reply = handler_(r);
    for (auto waited = std::chrono::milliseconds(0); waited < reply.delay && !stopping_; waited += std::chrono::milliseconds(10))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!reply.bytes) return false;
    ::send(c, reply.bytes->data(), reply.bytes->size(), MSG_NOSIGNAL);
    return true;
  }

  Handler handler_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

}  // namespace tokengate::test_support
