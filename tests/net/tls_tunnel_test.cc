// Tests of the agent's tunnel, alone and end to end with the relay over TLS: bytes pass both ways
// unchanged, mutual TLS admits the CA's client certificate and refuses a missing or foreign one,
// the tunnel refuses a server its CA did not sign, and a server that cannot be reached closes
// the local connection. Certificates are made at test time by the openssl command.
#include "net/tls_tunnel.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <asio.hpp>
#include <catch2/catch.hpp>

#include "net/basp_relay.h"
#include "tests/net/loopback_peers.h"

using namespace mainspring;
using namespace mainspring::net;
using namespace mainspring::net::testing;

namespace {

// A scratch PKI: ca signs server (CN 127.0.0.1) and client; rogue_ca signs rogue_client.
// Made once per test run in a temp dir, removed at exit.
class test_pki {
 public:
  test_pki() {
    char tmpl[] = "/tmp/mainspring-net-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
    std::ofstream(file("openssl.cnf")) << "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = unused\n"
                                          "[ca]\nbasicConstraints = critical,CA:TRUE\n"
                                          "keyUsage = critical,keyCertSign,cRLSign\n"
                                          "[leaf]\nbasicConstraints = critical,CA:FALSE\n"
                                          "keyUsage = critical,digitalSignature\n";
    make("ca", "/CN=mainspring test CA", "ca", "");
    make("server", "/CN=127.0.0.1", "leaf", "ca");
    make("client", "/CN=node build_3", "leaf", "ca");
    make("rogue_ca", "/CN=another CA", "ca", "");
    make("rogue_client", "/CN=intruder", "leaf", "rogue_ca");
  }
  ~test_pki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string pem(const std::string& name) const { return file(name + ".pem"); }
  std::string key(const std::string& name) const { return file(name + ".key"); }

 private:
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

  // `name`.pem and `name`.key, self-signed or signed by `issuer`.
  void make(const std::string& name, const std::string& subject, const std::string& extensions,
            const std::string& issuer) {
    std::string cmd = "openssl req -x509 -config " + file("openssl.cnf") + " -extensions " + extensions +
                      " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj '" + subject +
                      "' -keyout " + key(name) + " -out " + pem(name);
    if (!issuer.empty()) cmd += " -CA " + pem(issuer) + " -CAkey " + key(issuer);
    INFO(cmd);
    REQUIRE(std::system((cmd + " >/dev/null 2>&1").c_str()) == 0);
  }

  std::filesystem::path dir_;
};

const test_pki& pki() {
  static test_pki instance;
  return instance;
}

std::unique_ptr<basp_relay> tls_relay(uint16_t upstream_port, bool require_client_cert) {
  relay_options o;
  o.upstream_port = upstream_port;
  o.tls_cert_file = pki().pem("server");
  o.tls_key_file = pki().key("server");
  if (require_client_cert) o.tls_ca_file = pki().pem("ca");
  auto relay = basp_relay::start(o);
  REQUIRE(relay.ok());
  return std::move(relay).value();
}

// A tunnel to 127.0.0.1:`port`; TLS with `ca` when not empty, presenting `client` when not empty.
std::unique_ptr<tls_tunnel> tunnel_to(uint16_t port, const std::string& ca, const std::string& client) {
  tunnel_options o;
  o.server_host = "127.0.0.1";
  o.server_port = port;
  if (!ca.empty()) o.tls_ca_file = pki().pem(ca);
  if (!client.empty()) {
    o.tls_cert_file = pki().pem(client);
    o.tls_key_file = pki().key(client);
  }
  auto tunnel = tls_tunnel::start(o);
  REQUIRE(tunnel.ok());
  return std::move(tunnel).value();
}

// Sends `stream` into the local side and `reply` out of the upstream, and checks both arrive whole.
void check_both_ways(tcp::socket& local, recording_upstream& up, const std::string& stream) {
  write_in_odd_pieces(local, stream);
  REQUIRE(eventually([&] { return up.received().size() >= stream.size(); }));
  CHECK(up.received() == stream);
  std::string reply;
  for (int i = 0; i < 70 * 1000; ++i) reply += static_cast<char>(i * 7 % 253);
  up.send(reply);
  std::string got(reply.size(), '\0');
  asio::read(local, asio::buffer(got));
  CHECK(got == reply);
}

// A connection through `tunnel` that is closed before any byte reaches `up`.
void check_refused(tls_tunnel& tunnel, recording_upstream& up) {
  asio::io_context io;
  tcp::socket local = connect_to(io, tunnel.port());
  std::error_code ignored;  // the write may already meet the closed connection
  asio::write(local, asio::buffer(basp_message(10, 'r')), ignored);
  CHECK(closed_by_peer(local));
  CHECK(up.accepted() == 0);
  CHECK(up.received().empty());
}

}  // namespace

TEST_CASE("a TLS relay and a TLS tunnel with a client certificate carry messages both ways intact") {
  recording_upstream up;
  auto relay = tls_relay(up.port(), true);
  auto tunnel = tunnel_to(relay->port(), "ca", "client");
  asio::io_context io;
  tcp::socket local = connect_to(io, tunnel->port());
  check_both_ways(local, up,
                  basp_message(0, 'a') + basp_message(33, 'b') + basp_message(200 * 1000, 'c') + basp_message(2, 'd'));
  CHECK(relay->tls_failures() == 0);
  CHECK(relay->connections() == 1);
  CHECK(tunnel->failed_dials() == 0);
}

TEST_CASE("the BASP cap holds behind TLS") {
  recording_upstream up;
  auto relay = tls_relay(up.port(), true);
  auto tunnel = tunnel_to(relay->port(), "ca", "client");
  asio::io_context io;
  tcp::socket local = connect_to(io, tunnel->port());
  const std::string ok = basp_message(5, 'o');
  asio::write(local, asio::buffer(ok + basp_message(2 * 1024 * 1024, 'x').substr(0, 4096)));
  CHECK(closed_by_peer(local));
  CHECK(eventually([&] { return relay->oversize_frames() == 1; }));
  CHECK(eventually([&] { return up.closed() == 1; }));
  CHECK(up.received() == ok);
}

TEST_CASE("a client without a certificate is refused when the relay has a client CA") {
  recording_upstream up;
  auto relay = tls_relay(up.port(), true);
  auto tunnel = tunnel_to(relay->port(), "ca", "");
  check_refused(*tunnel, up);
  CHECK(eventually([&] { return relay->tls_failures() == 1; }));
  CHECK(eventually([&] { return relay->live_connections() == 0; }));
}

TEST_CASE("a client certificate that another CA signed is refused") {
  recording_upstream up;
  auto relay = tls_relay(up.port(), true);
  auto tunnel = tunnel_to(relay->port(), "ca", "rogue_client");
  check_refused(*tunnel, up);
  CHECK(eventually([&] { return relay->tls_failures() == 1; }));
}

TEST_CASE("a plain TCP client is refused by a TLS relay") {
  recording_upstream up;
  auto relay = tls_relay(up.port(), false);
  auto tunnel = tunnel_to(relay->port(), "", "");
  check_refused(*tunnel, up);
  CHECK(eventually([&] { return relay->tls_failures() == 1; }));
}

TEST_CASE("the tunnel refuses a server whose certificate its CA did not sign") {
  recording_upstream up;
  auto relay = tls_relay(up.port(), false);
  auto tunnel = tunnel_to(relay->port(), "rogue_ca", "");
  check_refused(*tunnel, up);
  CHECK(eventually([&] { return tunnel->failed_dials() == 1; }));
}

TEST_CASE("a TLS relay without a client CA takes a client without a certificate") {
  recording_upstream up;
  auto relay = tls_relay(up.port(), false);
  auto tunnel = tunnel_to(relay->port(), "ca", "");
  asio::io_context io;
  tcp::socket local = connect_to(io, tunnel->port());
  check_both_ways(local, up, basp_message(100, 'p') + basp_message(7, 'q'));
}

TEST_CASE("a tunnel without TLS options pipes plain bytes both ways unchanged") {
  recording_upstream up;
  auto tunnel = tunnel_to(up.port(), "", "");
  asio::io_context io;
  tcp::socket local = connect_to(io, tunnel->port());
  std::string bytes;
  for (int i = 0; i < 150 * 1000; ++i) bytes += static_cast<char>(i % 256);
  check_both_ways(local, up, bytes);  // not BASP: the tunnel does not look at what it carries
}

TEST_CASE("a tunnel to a dead server closes the local connection") {
  const uint16_t port = dead_port();
  std::string ca;
  SECTION("plain TCP") {}
  SECTION("TLS") { ca = "ca"; }
  auto tunnel = tunnel_to(port, ca, "");
  for (int i = 1; i <= 2; ++i) {  // and again: one failed dial does not stop the tunnel
    asio::io_context io;
    tcp::socket local = connect_to(io, tunnel->port());
    CHECK(closed_by_peer(local));
    CHECK(eventually([&] { return tunnel->failed_dials() == static_cast<uint64_t>(i); }));
  }
}

TEST_CASE("destroying the tunnel closes both sides of every connection") {
  recording_upstream up;
  auto tunnel = tunnel_to(up.port(), "", "");
  asio::io_context io;
  tcp::socket local = connect_to(io, tunnel->port());
  REQUIRE(eventually([&] { return up.accepted() == 1; }));
  tunnel.reset();
  CHECK(closed_by_peer(local));
  CHECK(eventually([&] { return up.closed() == 1; }));
}

TEST_CASE("tunnel options that cannot work are refused at start") {
  tunnel_options o;
  o.server_host = "127.0.0.1";
  o.server_port = 7070;
  SECTION("no server") {
    o.server_host.clear();
    CHECK(tls_tunnel::start(o).status().code() == status_code::invalid_argument);
  }
  SECTION("a client certificate without a CA") {
    o.tls_cert_file = pki().pem("client");
    o.tls_key_file = pki().key("client");
    CHECK(tls_tunnel::start(o).status().code() == status_code::invalid_argument);
  }
  SECTION("a client certificate without its key") {
    o.tls_ca_file = pki().pem("ca");
    o.tls_cert_file = pki().pem("client");
    CHECK(tls_tunnel::start(o).status().code() == status_code::invalid_argument);
  }
  SECTION("a CA file that does not load, named in the message") {
    o.tls_ca_file = "/nonexistent/ca.pem";
    auto r = tls_tunnel::start(o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == status_code::invalid_argument);
    CHECK(r.status().message().find("/nonexistent/ca.pem") != std::string::npos);
  }
  SECTION("a key that does not match its certificate") {
    o.tls_ca_file = pki().pem("ca");
    o.tls_cert_file = pki().pem("client");
    o.tls_key_file = pki().key("server");
    auto r = tls_tunnel::start(o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find(pki().key("server")) != std::string::npos);
  }
}
