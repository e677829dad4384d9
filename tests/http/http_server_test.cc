// http_server's write path: answers go straight to the socket from the answering thread when
// nothing of the connection waits, and otherwise to its backlog, which Pistache writes a piece at
// a time; either way the bytes of a connection's answers arrive whole and in request order.
#include "http/http_server.h"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/e2e/http_client.h"  // raw_connection

namespace mainspring::http {
namespace {

using namespace std::chrono_literals;
using e2e::raw_connection;

// The client's receive buffer: small, so that the server's writes stall while it does not read.
constexpr int k_small_receive_buffer = 4096;

// Larger than what a socket takes while its reader is not reading (the client's receive buffer
// is shrunk below), so that the server's write stops partway and the rest is queued.
constexpr std::size_t k_big_body = 8u << 20;

// k_big_body bytes that differ along their length (a letter per thousand bytes), so that pieces
// of it arriving out of order or twice do not go unseen.
const std::string& big_body() {
  static const std::string body = [] {
    std::string b(k_big_body, ' ');
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<char>('a' + (i / 1000) % 26);
    return b;
  }();
  return body;
}

// GET /big answers big_body() at once; GET /small answers "small" from another
// thread a little later (behind the big answer's queued rest).
struct test_server {
  static http_server_options options() {
    http_server_options o;
    o.port = 0;
    return o;
  }
  test_server()
      : server(options(), [](http_request& req, responder reply) {
          if (req.path == "/big") return reply.send(http_response::text(200, big_body()));
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
  raw_connection client(t.server.port(), k_small_receive_buffer);
  client.send(k_get_big + k_get_small + k_get_big + k_get_small);
  std::this_thread::sleep_for(200ms);  // the server's writes stall on the unread socket meanwhile
  for (int i = 0; i < 2; ++i) {
    auto big = client.read_response(10s);
    REQUIRE(big);
    CHECK(big->body.size() == k_big_body);
    CHECK(big->body == big_body());
    auto small = client.read_response(10s);
    REQUIRE(small);
    CHECK(small->body == "small");
  }
  // The queue has drained: the next answer takes the direct path, and still arrives.
  client.send(k_get_small);
  auto last = client.read_response(10s);
  REQUIRE(last);
  CHECK(last->body == "small");
}

TEST_CASE("Connection: close after a queued answer closes the connection once the answer is out") {
  test_server t;
  raw_connection client(t.server.port(), k_small_receive_buffer);
  client.send("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  std::this_thread::sleep_for(200ms);
  auto big = client.read_response(10s);
  REQUIRE(big);
  CHECK(big->body == big_body());
  CHECK(client.closed_by_peer(10s));
}

TEST_CASE("Connection: close after a direct answer closes the connection") {
  test_server t;
  raw_connection client(t.server.port(), k_small_receive_buffer);
  client.send("GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  auto small = client.read_response(10s);
  REQUIRE(small);
  CHECK(small->body == "small");
  CHECK(client.closed_by_peer(10s));
}

}  // namespace
}  // namespace mainspring::http
