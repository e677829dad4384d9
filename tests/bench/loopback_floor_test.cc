#include "bench/loopback_floor.h"

#include <catch2/catch.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "bench/load_client.h"

using namespace mainspring::bench;
namespace asio = boost::asio;

namespace {

constexpr std::string_view k_floor_answer =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n{\"success\":\"floor\"}";

// A raw connection to the floor: what it writes is exactly what the test says.
struct raw {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  explicit raw(const loopback_floor& floor) {
    auto url = floor.base_url();
    auto port = static_cast<unsigned short>(std::stoi(url.substr(url.rfind(':') + 1)));
    socket.connect({asio::ip::make_address_v4("127.0.0.1"), port});
  }
  void write(std::string_view bytes) { asio::write(socket, asio::buffer(bytes.data(), bytes.size())); }
  std::string read_exactly(std::size_t n) {
    std::string out(n, '\0');
    asio::read(socket, asio::buffer(out));
    return out;
  }
  // True when the floor closed the connection (a read ends with EOF).
  bool closed_by_peer() {
    char byte;
    boost::system::error_code ec;
    socket.read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }
};

}  // namespace

TEST_CASE("the loopback floor answers every request of a closed loop on kept-alive connections") {
  loopback_floor floor;
  REQUIRE(floor.ok());
  load_client client(floor.base_url());
  std::size_t next = 0, answered = 0;
  load_options opts;
  opts.clients = 8;
  opts.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto stats = client.run(
      opts,
      [&](std::size_t) -> std::optional<http_call> {
        if (next == 500) return std::nullopt;
        return http_call{"POST", "/v1/add/job", std::string(100 + next++ % 300, 'x')};
      },
      [&](std::size_t, const http_call&, const http_result& r) {
        CHECK(r.status == 200);
        CHECK(r.body == R"({"success":"floor"})");
        ++answered;
      });
  CHECK(stats.ok == 500);
  CHECK(answered == 500);
  CHECK(floor.cpu_seconds() > 0);
}

TEST_CASE("the loopback floor frames requests by Content-Length, pipelined or split") {
  loopback_floor floor;
  REQUIRE(floor.ok());
  raw c(floor);
  // Two requests in one write, the second's body split over two more writes: three answers, in
  // order, none before its body is whole.
  c.write("POST /a HTTP/1.1\r\nHost: x\r\ncontent-length: 3\r\n\r\nabc"
          "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n12");
  CHECK(c.read_exactly(k_floor_answer.size()) == k_floor_answer);
  c.write("345GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(c.read_exactly(2 * k_floor_answer.size()) == std::string(k_floor_answer) + std::string(k_floor_answer));
}

TEST_CASE("the loopback floor closes a connection it cannot frame") {
  loopback_floor floor;
  REQUIRE(floor.ok());
  SECTION("chunked") {
    raw c(floor);
    c.write("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    CHECK(c.closed_by_peer());
  }
  SECTION("a length that is not a number") {
    raw c(floor);
    c.write("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n");
    CHECK(c.closed_by_peer());
  }
  SECTION("a body over the limit") {
    raw c(floor);
    c.write("POST / HTTP/1.1\r\nContent-Length: " + std::to_string(k_floor_max_request_bytes + 1) + "\r\n\r\n");
    CHECK(c.closed_by_peer());
  }
  // The floor still serves others.
  raw other(floor);
  other.write("GET / HTTP/1.1\r\n\r\n");
  CHECK(other.read_exactly(k_floor_answer.size()) == k_floor_answer);
}
