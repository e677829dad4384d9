// single_read_transport, through the http_server that uses it: bytes larger than one read, bytes
// trickling in one at a time and many pipelined requests all reach the parser whole and in order,
// and a connection its client ends (closed or reset) is disconnected, which the connection cap
// shows: with room for one connection, the next client is served only once the first is gone.
#include "http/single_read_transport.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "http/http_server.h"
#include "tests/e2e/http_client.h"  // raw_connection

namespace mainspring::http {
namespace {

using namespace std::chrono_literals;
using e2e::raw_connection;

// Answers POST /echo with its body and GET /n/<k> with "<k>".
struct echo_server {
  explicit echo_server(std::size_t max_connections = k_max_connections)
      : server(options(max_connections), [](http_request& req, responder reply) {
          if (req.path == "/echo") return reply.send(http_response::text(200, req.body));
          reply.send(http_response::text(200, req.path.substr(3)));
        }) {
    REQUIRE(server.start().ok());
  }
  static http_server_options options(std::size_t max_connections) {
    http_server_options o;
    o.port = 0;
    o.max_body_bytes = 1 << 20;
    o.limits.max_connections = max_connections;
    return o;
  }
  http_server server;
};

std::string post_echo(const std::string& body) {
  return "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

std::string get_n(int k) { return "GET /n/" + std::to_string(k) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"; }

// A body that differs along its length, so that a piece lost, repeated or reordered shows.
std::string patterned(std::size_t size) {
  std::string b(size, ' ');
  for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<char>('a' + (i / 7) % 26);
  return b;
}

TEST_CASE("a request many read buffers long arrives whole") {
  echo_server t;
  raw_connection client(t.server.port());
  const std::string body = patterned(5 * k_transport_read_bytes + 123);
  client.send(post_echo(body));
  auto answer = client.read_response(10s);
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(answer->body.size() == body.size());
  CHECK(answer->body == body);
}

TEST_CASE("a request sent a byte at a time is read as each byte arrives") {
  echo_server t;
  raw_connection client(t.server.port());
  const std::string request = post_echo("trickled");
  for (char c : request) {
    client.send(std::string(1, c));
    std::this_thread::sleep_for(1ms);  // each byte its own segment, its own edge
  }
  auto answer = client.read_response(10s);
  REQUIRE(answer);
  CHECK(answer->body == "trickled");
}

TEST_CASE("pipelined requests longer than a read buffer are all answered in order") {
  echo_server t;
  raw_connection client(t.server.port());
  constexpr int k_requests = 1000;  // about 40 bytes each: several buffers in one send
  std::string all;
  for (int k = 0; k < k_requests; ++k) all += get_n(k);
  REQUIRE(all.size() > 2 * k_transport_read_bytes);
  client.send(all);
  for (int k = 0; k < k_requests; ++k) {
    auto answer = client.read_response(10s);
    REQUIRE(answer);
    REQUIRE(answer->body == std::to_string(k));
  }
}

// The second client gets its answer only if the server saw the first one go (the open count is
// taken back on disconnection); otherwise it is refused with 503.
void check_next_client_served(echo_server& t) {
  for (int attempt = 0;; ++attempt) {
    raw_connection next(t.server.port());
    next.send(get_n(7));
    auto answer = next.read_response(10s);
    REQUIRE(answer);
    if (answer->status == 200) {
      CHECK(answer->body == "7");
      return;
    }
    // The reactor may not have handled the end yet: a refusal now and then, never for long.
    REQUIRE(answer->status == 503);
    REQUIRE(attempt < 100);
    std::this_thread::sleep_for(20ms);
  }
}

TEST_CASE("a connection its client closes is disconnected") {
  echo_server t(1);
  {
    raw_connection first(t.server.port());
    first.send(get_n(1));
    auto answer = first.read_response(10s);
    REQUIRE(answer);
    CHECK(answer->body == "1");
  }  // closed: the server reads the end of the stream
  check_next_client_served(t);
}

TEST_CASE("a connection its client resets is disconnected") {
  echo_server t(1);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(t.server.port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  // Half a request, then a close with linger 0: the server's read ends in ECONNRESET.
  const std::string half = "GET /n/1 HTTP/1.1\r\nHo";
  REQUIRE(::send(fd, half.data(), half.size(), 0) == static_cast<ssize_t>(half.size()));
  std::this_thread::sleep_for(50ms);
  linger hard{1, 0};
  REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard) == 0);
  ::close(fd);
  check_next_client_served(t);
}

}  // namespace
}  // namespace mainspring::http
