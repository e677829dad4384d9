#include "bench/loopback_floor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <string_view>
#include <unordered_map>

namespace mainspring::bench {

namespace {

constexpr std::string_view k_answer =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n{\"success\":\"floor\"}";
constexpr std::size_t k_read_chunk = 16 * 1024;
constexpr int k_events_per_wait = 128;

// The Content-Length of a request head (headers only, without the blank line); 0 without one,
// -1 when it cannot be served (chunked, or a length that is not a number).
long content_length(std::string_view head) {
  long length = 0;
  std::size_t at = 0;
  while ((at = head.find("\r\n", at)) != std::string_view::npos) {
    at += 2;
    std::string_view line = head.substr(at, head.find("\r\n", at) - at);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (name == "transfer-encoding") return -1;
    if (name != "content-length") continue;
    length = 0;
    if (value.empty()) return -1;
    for (char c : value) {
      if (c < '0' || c > '9' || length > static_cast<long>(k_floor_max_request_bytes)) return -1;
      length = length * 10 + (c - '0');
    }
  }
  return length;
}

struct connection {
  std::string in;   // bytes of requests not yet answered
  std::string out;  // answers the socket has not taken yet
};

// Answers every whole request in c.in; false when the connection must be closed.
bool answer_requests(connection& c) {
  for (;;) {
    auto end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) return c.in.size() <= k_floor_max_request_bytes;
    long body = content_length(std::string_view(c.in).substr(0, end));
    if (body < 0) return false;
    std::size_t whole = end + 4 + static_cast<std::size_t>(body);
    if (whole > k_floor_max_request_bytes) return false;
    if (c.in.size() < whole) return true;
    c.in.erase(0, whole);
    c.out += k_answer;
  }
}

// Sends what it can of c.out; false when the connection failed.
bool flush(int fd, connection& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    c.out.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

loopback_floor::loopback_floor() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, SOMAXCONN) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    error_ = std::string("loopback floor: cannot listen on 127.0.0.1: ") + std::strerror(errno);
    return;
  }
  port_ = ntohs(addr.sin_port);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || stop_fd_ < 0) {
    error_ = std::string("loopback floor: ") + std::strerror(errno);
    return;
  }
  for (int fd : {listen_fd_, stop_fd_}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  thread_ = std::thread([this] { serve(); });
}

loopback_floor::~loopback_floor() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  for (int fd : {listen_fd_, epoll_fd_, stop_fd_})
    if (fd >= 0) ::close(fd);
}

double loopback_floor::cpu_seconds() const {
  if (!thread_.joinable()) return 0;
  clockid_t clock;
  timespec ts{};
  // const_cast: native_handle() is not const, and reading the clock changes nothing.
  if (pthread_getcpuclockid(const_cast<std::thread&>(thread_).native_handle(), &clock) != 0 ||
      clock_gettime(clock, &ts) != 0)
    return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Level-triggered: one recv per readiness, as cheap as a server's read can be.
void loopback_floor::serve() {
  std::unordered_map<int, connection> connections;
  auto close_connection = [&](int fd) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    connections.erase(fd);
  };
  auto close_all = [&] {
    for (auto& [open, c] : connections) ::close(open);
  };
  epoll_event events[k_events_per_wait];
  char chunk[k_read_chunk];
  for (;;) {
    int n = ::epoll_wait(epoll_fd_, events, k_events_per_wait, -1);
    if (n < 0 && errno != EINTR) return close_all();
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == stop_fd_) return close_all();
      if (fd == listen_fd_) {
        int accepted;
        while ((accepted = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          int one = 1;
          ::setsockopt(accepted, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.fd = accepted;
          ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, accepted, &ev);
          connections[accepted];
        }
        continue;
      }
      auto it = connections.find(fd);
      if (it == connections.end()) continue;
      connection& c = it->second;
      const bool was_waiting = !c.out.empty();
      if (events[i].events & EPOLLIN) {
        ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
          close_connection(fd);
          continue;
        }
        if (got > 0) c.in.append(chunk, static_cast<std::size_t>(got));
        if (!answer_requests(c)) {
          close_connection(fd);
          continue;
        }
      } else if (events[i].events & (EPOLLERR | EPOLLHUP)) {
        close_connection(fd);
        continue;
      }
      if (!flush(fd, c)) {
        close_connection(fd);
        continue;
      }
      if (was_waiting != !c.out.empty()) {  // wait for room only while answers wait
        epoll_event ev{};
        ev.events = EPOLLIN | (c.out.empty() ? 0u : static_cast<uint32_t>(EPOLLOUT));
        ev.data.fd = fd;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
      }
    }
  }
}

}  // namespace mainspring::bench
