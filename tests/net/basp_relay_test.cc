// Tests of the node listener's relay (plain TCP; TLS is in tls_tunnel_test.cc) against a loopback
// upstream that records what it gets: messages pass both ways intact however they are split, an
// oversize message closes both sides before any byte of it reaches upstream, the connection cap
// refuses the extra connection, and options that cannot work are refused at start.
#include "net/basp_relay.h"

#include <mutex>
#include <string>
#include <vector>

#include <asio.hpp>
#include <catch2/catch.hpp>

#include "tests/net/loopback_peers.h"

using namespace mainspring;
using namespace mainspring::net;
using namespace mainspring::net::testing;

namespace {

// Collects on_event lines from the relay's thread.
struct event_log {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> hook() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mutex);
      lines.push_back(line);
    };
  }
  std::string all() {
    std::lock_guard<std::mutex> lock(mutex);
    std::string text;
    for (auto& l : lines) text += l + "\n";
    return text;
  }
};

std::unique_ptr<basp_relay> relay_to(uint16_t upstream_port, relay_options o = {}) {
  o.upstream_port = upstream_port;
  auto relay = basp_relay::start(std::move(o));
  REQUIRE(relay.ok());
  return std::move(relay).value();
}

}  // namespace

TEST_CASE("the relay passes messages split at odd boundaries upstream and bytes back unchanged") {
  recording_upstream up;
  auto relay = relay_to(up.port());
  asio::io_context io;
  tcp::socket s = connect_to(io, relay->port());
  // 300 KB is several pipe buffers: the payload is streamed, not held whole.
  const std::string stream = basp_message(0, 'a') + basp_message(1, 'b') + basp_message(31, 'c') +
                             basp_message(1000, 'd') + basp_message(300 * 1000, 'e') + basp_message(5, 'f');
  write_in_odd_pieces(s, stream);
  REQUIRE(eventually([&] { return up.received().size() >= stream.size(); }));
  CHECK(up.received() == stream);

  std::string reply;
  for (int i = 0; i < 100 * 1000; ++i) reply += static_cast<char>(i * 31 % 251);
  up.send(reply);
  std::string got(reply.size(), '\0');
  asio::read(s, asio::buffer(got));
  CHECK(got == reply);
  CHECK(relay->connections() == 1);
  CHECK(relay->live_connections() == 1);
  CHECK(relay->oversize_frames() == 0);
}

TEST_CASE("a message announcing more than the cap closes both sides and none of it reaches upstream") {
  recording_upstream up;
  event_log log;
  relay_options o;
  o.max_frame_payload = 1024;
  o.on_event = log.hook();
  auto relay = relay_to(up.port(), o);
  asio::io_context io;
  tcp::socket s = connect_to(io, relay->port());
  const std::string ok = basp_message(1024, 'o');  // the cap itself passes
  asio::write(s, asio::buffer(ok));
  REQUIRE(eventually([&] { return up.received() == ok; }));
  // The refused header arrives in two pieces, with its payload behind it.
  const std::string bad = basp_message(1025, 'Z');
  asio::write(s, asio::buffer(bad.substr(0, 20)));
  asio::write(s, asio::buffer(bad.substr(20, 200)));
  CHECK(closed_by_peer(s));
  CHECK(eventually([&] { return up.closed() == 1; }));
  CHECK(up.received() == ok);
  CHECK(relay->oversize_frames() == 1);
  CHECK(eventually([&] { return relay->live_connections() == 0; }));
  CHECK(log.all().find("over the cap of 1024 bytes") != std::string::npos);
  CHECK(log.all().find("ZZZZ") == std::string::npos);  // events never carry payload bytes
}

TEST_CASE("a 4 GiB announcement is refused without waiting for its payload") {
  recording_upstream up;
  auto relay = relay_to(up.port());  // the default 1 MiB cap
  asio::io_context io;
  tcp::socket s = connect_to(io, relay->port());
  std::string header = basp_message(0, 'h');
  for (int i = 4; i < 8; ++i) header[i] = static_cast<char>(0xff);
  asio::write(s, asio::buffer(header));
  CHECK(closed_by_peer(s));
  CHECK(relay->oversize_frames() == 1);
  CHECK(eventually([&] { return up.closed() == 1; }));
  CHECK(up.received().empty());
}

TEST_CASE("connections over the cap are refused and counted, and a freed slot is taken again") {
  recording_upstream up;
  relay_options o;
  o.max_connections = 2;
  auto relay = relay_to(up.port(), o);
  asio::io_context io;
  tcp::socket a = connect_to(io, relay->port());
  tcp::socket b = connect_to(io, relay->port());
  REQUIRE(eventually([&] { return relay->live_connections() == 2; }));
  tcp::socket c = connect_to(io, relay->port());
  CHECK(closed_by_peer(c));
  CHECK(relay->refused_connections() == 1);
  CHECK(relay->connections() == 2);
  a.close();
  REQUIRE(eventually([&] { return relay->live_connections() == 1; }));
  tcp::socket d = connect_to(io, relay->port());
  const std::string m = basp_message(1, 'd');
  asio::write(d, asio::buffer(m));
  CHECK(eventually([&] { return up.received() == m; }));
  CHECK(relay->refused_connections() == 1);
}

TEST_CASE("a gateway that does not answer closes the agent's connection") {
  auto relay = relay_to(dead_port());
  asio::io_context io;
  tcp::socket s = connect_to(io, relay->port());
  CHECK(closed_by_peer(s));
  CHECK(eventually([&] { return relay->live_connections() == 0; }));
}

TEST_CASE("destroying the relay closes both sides of every connection") {
  recording_upstream up;
  auto relay = relay_to(up.port());
  asio::io_context io;
  tcp::socket s = connect_to(io, relay->port());
  REQUIRE(eventually([&] { return up.accepted() == 1; }));
  relay.reset();
  CHECK(closed_by_peer(s));
  CHECK(eventually([&] { return up.closed() == 1; }));
}

TEST_CASE("the relay listens on localhost and on a port it picks") {
  recording_upstream up;
  relay_options o;
  o.listen_host = "localhost";
  auto relay = relay_to(up.port(), o);
  CHECK(relay->port() != 0);
  asio::io_context io;
  tcp::socket s = connect_to(io, relay->port());
  asio::write(s, asio::buffer(basp_message(3, 'l')));
  CHECK(eventually([&] { return up.received() == basp_message(3, 'l'); }));
}

TEST_CASE("options that cannot work are refused at start") {
  relay_options o;
  o.upstream_port = 1;
  SECTION("an address that is not an IP literal") {
    o.listen_host = "example.com";
    auto r = basp_relay::start(o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == status_code::invalid_argument);
  }
  SECTION("a certificate without its key") {
    o.tls_cert_file = "server.pem";
    CHECK(basp_relay::start(o).status().code() == status_code::invalid_argument);
  }
  SECTION("a client CA without a server certificate") {
    o.tls_ca_file = "ca.pem";
    CHECK(basp_relay::start(o).status().code() == status_code::invalid_argument);
  }
  SECTION("no gateway port") {
    o.upstream_port = 0;
    CHECK(basp_relay::start(o).status().code() == status_code::invalid_argument);
  }
  SECTION("a TLS file that does not load, named in the message") {
    o.tls_cert_file = "/nonexistent/server.pem";
    o.tls_key_file = "/nonexistent/server.key";
    auto r = basp_relay::start(o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == status_code::invalid_argument);
    CHECK(r.status().message().find("/nonexistent/server.pem") != std::string::npos);
  }
  SECTION("a port already taken") {
    recording_upstream taken;
    o.listen_port = taken.port();
    auto r = basp_relay::start(o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == status_code::unavailable);
  }
}
