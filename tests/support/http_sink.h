// http_sink: a tiny HTTP/1.1 server on 127.0.0.1 for tests, to send HTTP jobs and hooks to.
//
// It listens on a free loopback port, serves many connections at once (a thread each, keep-alive
// honoured), records every request, and answers each with one configurable status and body,
// optionally after a delay. Header-only and plain POSIX sockets, so any test can include it.
// Test code only: it throws std::runtime_error if it cannot listen, and it is not hardened
// (Content-Length bodies only, no chunked requests).
//
// Example:
//   http_sink sink;
//   sink.set_response(503, "busy");
//   sink.set_delay(std::chrono::milliseconds(50));
//   ... GET sink.url("/hook?x=1") from the code under test ...
//   REQUIRE(sink.wait_for_requests(1, std::chrono::seconds(10)));
//   CHECK(sink.requests()[0].query == "x=1");
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace mainspring {

struct sink_request {
  std::string method;
  std::string target;  // as sent: "/hook?x=1"
  std::string path;    // "/hook"
  std::string query;   // "x=1" (empty without '?')
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of header `name` (case-insensitive), or "" if absent.
  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(),
                     [](unsigned char a, unsigned char b) {
                       return std::tolower(a) == std::tolower(b);
                     }))
        return v;
    }
    return {};
  }
};

class http_sink {
 public:
  // -- constructors --

  http_sink() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 1024) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::pipe2(wake_, O_CLOEXEC) != 0) {
      int err = errno;
      if (listen_fd_ >= 0) ::close(listen_fd_);
      throw std::runtime_error("http_sink: cannot listen on 127.0.0.1: " +
                               std::string(std::strerror(err)));
    }
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  // Drops connections (requests being delayed get no answer) and joins every thread.
  ~http_sink() {
    {
      std::lock_guard lock{mutex_};
      stopping_ = true;
    }
    changed_.notify_all();
    char byte = 0;
    [[maybe_unused]] auto n = ::write(wake_[1], &byte, 1);
    accept_thread_.join();
    {
      std::lock_guard lock{mutex_};
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // unblocks their recv()
    }
    for (auto& c : connections_) c.thread.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

  http_sink(const http_sink&) = delete;
  http_sink& operator=(const http_sink&) = delete;

  // -- properties --

  uint16_t port() const { return port_; }

  // "http://127.0.0.1:<port>" + path_and_query.
  std::string url(std::string_view path_and_query = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path_and_query);
  }

  // Every request received so far, in arrival order (recorded before any delay).
  std::vector<sink_request> requests() const {
    std::lock_guard lock{mutex_};
    return requests_;
  }

  // True once at least n requests arrived; false if `timeout` passed first.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

  // The most requests that were received but not yet answered at the same time.
  std::size_t max_in_flight() const {
    std::lock_guard lock{mutex_};
    return max_in_flight_;
  }

  // TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests).
  std::size_t connections_accepted() const {
    std::lock_guard lock{mutex_};
    return connections_accepted_;
  }

  // -- answering --

  // The answer to every following request (default 200 "ok").
  void set_response(int status, std::string body) {
    std::lock_guard lock{mutex_};
    status_ = status;
    body_ = std::make_shared<const std::string>(std::move(body));
  }

  // Requests for `path` are answered "302 Found" with `location` in a Location header (and an
  // empty body) instead of the configured response; "" as location removes the redirect.
  void set_redirect(std::string path, std::string location) {
    std::lock_guard lock{mutex_};
    if (location.empty()) redirects_.erase(path);
    else redirects_[std::move(path)] = std::move(location);
  }

  // How long to wait before answering each following request (default 0).
  void set_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock{mutex_};
    delay_ = delay;
  }

 private:
  struct connection {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  void accept_loop() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
      if (fds[1].revents != 0) return;
      if ((fds[0].revents & POLLIN) == 0) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      // Replies go out in one send and no delayed-ACK wait: Nagle plus the client's delayed ACK
      // otherwise adds ~40 ms per reply on loopback.
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      {
        std::lock_guard lock{mutex_};
        open_fds_.insert(fd);
        ++connections_accepted_;
      }
      reap_finished_connections();
      auto done = std::make_shared<std::atomic<bool>>(false);
      connections_.push_back({std::thread([this, fd, done] {
                                serve(fd);
                                *done = true;
                              }),
                              done});
    }
  }

  void reap_finished_connections() {
    auto finished = [](connection& c) {
      if (!*c.done) return false;
      c.thread.join();
      return true;
    };
    connections_.erase(std::remove_if(connections_.begin(), connections_.end(), finished),
                       connections_.end());
  }

  // Serves keep-alive requests on one connection until the peer closes or the sink stops.
  void serve(int fd) {
    std::string buf;
    while (serve_one(fd, buf)) {
    }
    std::lock_guard lock{mutex_};
    open_fds_.erase(fd);
    ::close(fd);
  }

  bool serve_one(int fd, std::string& buf) {
    std::size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more(fd, buf)) return false;
    }
    sink_request req = parse_head(std::string_view(buf).substr(0, head_end));
    std::size_t body_len = std::strtoull(req.header("Content-Length").c_str(), nullptr, 10);
    if (req.header("Expect") == "100-continue" && !send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n"))
      return false;
    while (buf.size() < head_end + 4 + body_len) {
      if (!read_more(fd, buf)) return false;
    }
    req.body = buf.substr(head_end + 4, body_len);
    buf.erase(0, head_end + 4 + body_len);
    bool close_after = req.header("Connection") == "close";

    std::unique_lock lock{mutex_};
    requests_.push_back(std::move(req));
    max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    changed_.notify_all();
    int status = status_;
    auto body = body_;
    auto delay = delay_;
    std::string location;
    if (auto r = redirects_.find(requests_.back().path); r != redirects_.end()) {
      status = 302;
      body = std::make_shared<const std::string>();
      location = r->second;
    }
    if (delay.count() > 0) changed_.wait_for(lock, delay, [&] { return stopping_; });
    bool stopped = stopping_;
    lock.unlock();

    bool sent = !stopped && send_all(fd, response_head(status, body->size(), close_after, location) + *body);
    lock.lock();
    --in_flight_;
    return sent && !close_after;
  }

  static bool read_more(int fd, std::string& buf) {
    char chunk[16384];
    ssize_t n;
    do {
      n = ::recv(fd, chunk, sizeof chunk, 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  static bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  static sink_request parse_head(std::string_view head) {
    sink_request req;
    auto line_end = std::min(head.find("\r\n"), head.size());
    std::string_view line = head.substr(0, line_end);
    auto sp1 = line.find(' ');
    auto sp2 = line.rfind(' ');
    if (sp1 != std::string_view::npos && sp2 > sp1) {
      req.method = line.substr(0, sp1);
      req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    }
    auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    head.remove_prefix(std::min(line_end + 2, head.size()));
    while (!head.empty()) {
      auto end = std::min(head.find("\r\n"), head.size());
      std::string_view h = head.substr(0, end);
      if (auto colon = h.find(':'); colon != std::string_view::npos) {
        std::string_view value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        req.headers.emplace_back(std::string(h.substr(0, colon)), std::string(value));
      }
      head.remove_prefix(std::min(end + 2, head.size()));
    }
    return req;
  }

  static std::string response_head(int status, std::size_t body_size, bool close_after,
                                   const std::string& location = "") {
    const char* reason = status == 200   ? "OK"
                         : status == 302 ? "Found"
                         : status == 404 ? "Not Found"
                         : status == 500 ? "Internal Server Error"
                         : status == 503 ? "Service Unavailable"
                                         : "Status";
    return "HTTP/1.1 " + std::to_string(status) + " " + reason +
           "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body_size) +
           (close_after ? "\r\nConnection: close" : "") +
           (location.empty() ? "" : "\r\nLocation: " + location) + "\r\n\r\n";
  }

  // -- member variables --

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // a byte written here stops the accept loop
  uint16_t port_ = 0;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;  // a request arrived, or stopping
  bool stopping_ = false;
  std::vector<sink_request> requests_;
  std::set<int> open_fds_;
  std::size_t in_flight_ = 0;
  std::size_t max_in_flight_ = 0;
  std::size_t connections_accepted_ = 0;
  int status_ = 200;
  std::shared_ptr<const std::string> body_ = std::make_shared<const std::string>("ok");
  std::chrono::milliseconds delay_{0};
  std::map<std::string, std::string> redirects_;  // path -> Location

  std::vector<connection> connections_;  // accept thread only, then the destructor
  std::thread accept_thread_;
};

}  // namespace mainspring
