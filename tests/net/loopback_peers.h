// loopback_peers: the far ends the net/ tests put around a relay or a tunnel, all on 127.0.0.1:
// a recording upstream (the stand-in for CAF's gateway), BASP messages to send it, and waits
// that poll instead of timing anything.
//
// Example:
//   recording_upstream up;                        // listens on 127.0.0.1:<up.port()>
//   tcp::socket s = connect_to(io, relay->port());
//   asio::write(s, asio::buffer(basp_message(10, 'a')));
//   REQUIRE(eventually([&] { return up.received() == basp_message(10, 'a'); }));
#pragma once

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <asio.hpp>

namespace mainspring::net::testing {

using asio::ip::tcp;

// Polls generously: a loaded CI machine gets ten seconds, a quick one returns at once.
inline constexpr int k_poll_attempts = 400;
inline constexpr int k_poll_interval_ms = 25;

// A CAF 0.17 BASP message: a 32-byte header whose bytes 4-7 hold the payload length (big-endian),
// then `payload_len` bytes of `fill`. Operation and actor ids vary with `fill`, so that messages
// differ in their headers too.
inline std::string basp_message(uint32_t payload_len, char fill) {
  std::string m(32, '\0');
  m[0] = static_cast<char>(1 + fill % 7);
  m[4] = static_cast<char>(payload_len >> 24);
  m[5] = static_cast<char>(payload_len >> 16);
  m[6] = static_cast<char>(payload_len >> 8);
  m[7] = static_cast<char>(payload_len);
  for (int i = 8; i < 32; ++i) m[i] = static_cast<char>(fill + i);
  return m + std::string(payload_len, fill);
}

template <class Condition>
bool eventually(Condition done) {
  for (int i = 0; i < k_poll_attempts; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(k_poll_interval_ms));
  }
  return false;
}

inline tcp::socket connect_to(asio::io_context& io, uint16_t port) {
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
  return s;
}

// Writes `bytes` in pieces whose sizes cycle through awkward values (inside a header, across a
// header's end, across a pipe buffer).
inline void write_in_odd_pieces(tcp::socket& s, const std::string& bytes) {
  const std::size_t sizes[] = {1, 7, 31, 33, 1000, 4093, 65537};
  std::size_t at = 0;
  for (std::size_t i = 0; at < bytes.size(); ++i) {
    std::size_t n = std::min(sizes[i % std::size(sizes)], bytes.size() - at);
    asio::write(s, asio::buffer(bytes.data() + at, n));
    at += n;
  }
}

// True when the peer closes `s` (a read ends with EOF or a reset) before it has sent more than a
// few reads' worth of bytes. Blocks until then.
inline bool closed_by_peer(tcp::socket& s) {
  char buf[4096];
  std::error_code ec;
  for (int i = 0; i < 100; ++i) {
    s.read_some(asio::buffer(buf), ec);
    if (ec) return true;
  }
  return false;
}

// A port on 127.0.0.1 that nothing listens on (bound, then released).
inline uint16_t dead_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return a.local_endpoint().port();
}

// Accepts connections on 127.0.0.1, one thread per connection, and records every byte received
// (all connections together). send() writes to every connection accepted so far.
class recording_upstream {
 public:
  recording_upstream() : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    thread_ = std::thread([this] { accept_loop(); });
  }

  ~recording_upstream() {
    stopping_ = true;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocking accept
    thread_.join();
    for (auto& s : sockets_) ::shutdown(s->native_handle(), SHUT_RDWR);  // wakes the reads
    for (auto& t : readers_) t.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return accepted_; }
  int closed() const { return closed_; }

  std::string received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }

  void send(const std::string& bytes) {
    std::vector<std::shared_ptr<tcp::socket>> sockets;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      sockets = sockets_;
    }
    for (auto& s : sockets) {
      std::error_code ignored;
      asio::write(*s, asio::buffer(bytes), ignored);
    }
  }

 private:
  void accept_loop() {
    for (;;) {
      auto s = std::make_shared<tcp::socket>(io_);
      std::error_code ec;
      acceptor_.accept(*s, ec);
      if (ec || stopping_) return;
      std::lock_guard<std::mutex> lock(mutex_);
      sockets_.push_back(s);
      readers_.emplace_back([this, s] { read_until_closed(*s); });
      ++accepted_;
    }
  }

  void read_until_closed(tcp::socket& s) {
    char buf[8192];
    for (;;) {
      std::error_code ec;
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) break;
      std::lock_guard<std::mutex> lock(mutex_);
      received_.append(buf, n);
    }
    ++closed_;
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mutex_;
  std::string received_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> readers_;
  std::atomic<int> accepted_{0}, closed_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace mainspring::net::testing
