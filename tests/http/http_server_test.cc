// http_server's write path: answers go straight to the socket from the answering thread when
// nothing of the connection is queued, and to Pistache's write queue otherwise; either way the
// bytes of a connection's answers arrive whole and in request order.
#include "http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

namespace mainspring::http {
namespace {

using namespace std::chrono_literals;

// Larger than what a socket takes while its reader is not reading (the client's receive buffer
// is shrunk below), so that the server's write stops partway and the rest is queued.
constexpr std::size_t k_big_body = 8u << 20;

// A blocking loopback client with a small receive buffer, which reads only when asked.
class slow_reader {
 public:
  explicit slow_reader(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int small = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~slow_reader() { ::close(fd_); }

  void send(const std::string& bytes) { REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())); }

  // The next response's body (read by Content-Length), or nullopt on EOF or after `timeout`.
  std::optional<std::string> read_body(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!read_more(deadline)) return std::nullopt;
    auto at = buffer_.find("Content-Length: ");
    REQUIRE(at < head_end);
    std::size_t length = std::stoul(buffer_.substr(at + 16));
    while (buffer_.size() < head_end + 4 + length)
      if (!read_more(deadline)) return std::nullopt;
    std::string body = buffer_.substr(head_end + 4, length);
    buffer_.erase(0, head_end + 4 + length);
    return body;
  }

  // True if the server closes the connection within `timeout` with no bytes left unread.
  bool closed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (read_more(deadline)) {
    }
    return eof_ && buffer_.empty();
  }

 private:
  bool read_more(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// GET /big answers k_big_body bytes of 'b' at once; GET /small answers "small" from another
// thread a little later (behind the big answer's queued rest).
struct test_server {
  static http_server_options options() {
    http_server_options o;
    o.port = 0;
    return o;
  }
  test_server()
      : server(options(), [](http_request& req, responder reply) {
          if (req.path == "/big") return reply.send(http_response::text(200, std::string(k_big_body, 'b')));
          std::thread([reply] {
            std::this_thread::sleep_for(20ms);
            reply.send(http_response::text(200, "small"));
          }).detach();
        }) {
    REQUIRE(server.start().ok());
  }
  http_server server;
};

const std::string k_get_big = "GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
const std::string k_get_small = "GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

TEST_CASE("an answer larger than the socket takes arrives whole, and the answers after it follow in order") {
  test_server t;
  slow_reader client(t.server.port());
  client.send(k_get_big + k_get_small + k_get_big + k_get_small);
  std::this_thread::sleep_for(200ms);  // the server's writes stall on the unread socket meanwhile
  for (int i = 0; i < 2; ++i) {
    auto big = client.read_body(10s);
    REQUIRE(big);
    CHECK(big->size() == k_big_body);
    CHECK(big->find_first_not_of('b') == std::string::npos);
    auto small = client.read_body(10s);
    REQUIRE(small);
    CHECK(*small == "small");
  }
  // The queue has drained: the next answer takes the direct path, and still arrives.
  client.send(k_get_small);
  CHECK(client.read_body(10s) == "small");
}

TEST_CASE("Connection: close after a queued answer closes the connection once the answer is out") {
  test_server t;
  slow_reader client(t.server.port());
  client.send("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  std::this_thread::sleep_for(200ms);
  auto big = client.read_body(10s);
  REQUIRE(big);
  CHECK(big->size() == k_big_body);
  CHECK(client.closed(10s));
}

TEST_CASE("Connection: close after a direct answer closes the connection") {
  test_server t;
  slow_reader client(t.server.port());
  client.send("GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  CHECK(client.read_body(10s) == "small");
  CHECK(client.closed(10s));
}

}  // namespace
}  // namespace mainspring::http
