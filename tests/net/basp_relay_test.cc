// Tests of the node listener's relay against a loopback upstream that records what it gets:
// messages pass both ways, an oversize message closes the connection before reaching upstream,
// the connection cap refuses the extra connection, and a TLS file that does not load is named.
#include "net/basp_relay.h"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include <asio.hpp>
#include <catch2/catch.hpp>

using namespace mainspring::net;
using asio::ip::tcp;

namespace {

std::string message(uint32_t payload_len, char fill) {
  std::string m(32, '\0');
  m[4] = static_cast<char>(payload_len >> 24);
  m[5] = static_cast<char>(payload_len >> 16);
  m[6] = static_cast<char>(payload_len >> 8);
  m[7] = static_cast<char>(payload_len);
  return m + std::string(payload_len, fill);
}

// Accepts connections on 127.0.0.1; records everything received; answers "ack" after each read
// so the client can see the way back works.
class upstream {
 public:
  upstream() : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    thread_ = std::thread([this] {
      for (;;) {
        auto s = std::make_shared<tcp::socket>(io_);
        std::error_code ec;
        acceptor_.accept(*s, ec);
        if (ec || stopping_) return;
        ++accepted_;
        std::lock_guard<std::mutex> lock(mutex_);
        sockets_.push_back(s);
        readers_.emplace_back([this, s] {
          char buf[8192];
          for (;;) {
            std::error_code ec;
            std::size_t n = s->read_some(asio::buffer(buf), ec);
            if (ec) return;
            {
              std::lock_guard<std::mutex> lock(mutex_);
              received_.append(buf, n);
            }
            asio::write(*s, asio::buffer(std::string("ack")), ec);
          }
        });
      }
    });
  }
  ~upstream() {
    stopping_ = true;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocking accept
    thread_.join();
    for (auto& s : sockets_) ::shutdown(s->native_handle(), SHUT_RDWR);  // wakes the reads
    for (auto& t : readers_) t.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }
  int accepted() const { return accepted_; }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mutex_;
  std::string received_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::vector<std::thread> readers_;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stopping_{false};
};

template <class F>
bool eventually(F f) {
  for (int i = 0; i < 200; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

std::unique_ptr<basp_relay> relay_to(const upstream& up, std::size_t max_connections = 16) {
  relay_options o;
  o.upstream_port = up.port();
  o.max_frame_payload = 1024;
  o.max_connections = max_connections;
  auto relay = basp_relay::start(o);
  REQUIRE(relay.ok());
  return std::move(relay).value();
}

// True when the peer closed `s` (a read ends with EOF or reset) within a few seconds.
bool closed_by_peer(tcp::socket& s) {
  char buf[64];
  std::error_code ec;
  for (int i = 0; i < 100; ++i) {
    s.read_some(asio::buffer(buf), ec);
    if (ec) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the relay passes messages upstream and answers back") {
  upstream up;
  auto relay = relay_to(up);
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::address_v4::loopback(), relay->port()));
  std::string stream = message(10, 'a') + message(1000, 'b') + message(0, 'c');
  asio::write(s, asio::buffer(stream.substr(0, 40)));
  asio::write(s, asio::buffer(stream.substr(40)));
  REQUIRE(eventually([&] { return up.received() == stream; }));
  char buf[3];
  asio::read(s, asio::buffer(buf));
  CHECK(std::string(buf, 3) == "ack");
  CHECK(relay->connections() == 1);
}

TEST_CASE("a message announcing more than the cap closes the connection and never reaches upstream") {
  upstream up;
  auto relay = relay_to(up);
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::address_v4::loopback(), relay->port()));
  std::string ok = message(5, 'o');
  asio::write(s, asio::buffer(ok + message(2000, 'x')));
  CHECK(closed_by_peer(s));
  CHECK(eventually([&] { return relay->oversize_frames() == 1; }));
  CHECK(eventually([&] { return up.received() == ok; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(up.received() == ok);  // and nothing of the refused message after it
  CHECK(eventually([&] { return relay->live_connections() == 0; }));
}

TEST_CASE("connections over the cap are refused and counted") {
  upstream up;
  auto relay = relay_to(up, 2);
  asio::io_context io;
  tcp::socket a(io), b(io), c(io);
  for (auto* s : {&a, &b}) s->connect(tcp::endpoint(asio::ip::address_v4::loopback(), relay->port()));
  REQUIRE(eventually([&] { return relay->live_connections() == 2; }));
  c.connect(tcp::endpoint(asio::ip::address_v4::loopback(), relay->port()));
  CHECK(closed_by_peer(c));
  CHECK(relay->refused_connections() == 1);
  a.close();
  REQUIRE(eventually([&] { return relay->live_connections() == 1; }));
  tcp::socket d(io);
  d.connect(tcp::endpoint(asio::ip::address_v4::loopback(), relay->port()));
  std::string m = message(1, 'd');
  asio::write(d, asio::buffer(m));
  CHECK(eventually([&] { return up.received().find(m) != std::string::npos; }));
}

TEST_CASE("a TLS file that does not load is refused naming the flag and the file") {
  relay_options o;
  o.tls_cert_file = "/nonexistent/server.pem";
  o.tls_key_file = "/nonexistent/server.key";
  auto relay = basp_relay::start(o);
  REQUIRE_FALSE(relay.ok());
  CHECK(relay.status().message().find("--node-tls-cert /nonexistent/server.pem") != std::string::npos);
}
