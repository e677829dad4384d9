#include "net/basp_relay.h"

#include <atomic>
#include <chrono>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "net/basp_frame_filter.h"
#include "net/byte_stream.h"
#include "net/pipe.h"
#include "net/tcp_listener.h"
#include "net/tls_context.h"

namespace mainspring::net {

using asio::ip::tcp;

namespace {

status check_options(const relay_options& o) {
  if (o.upstream_port == 0) return status::invalid_argument("node listener: no gateway port to relay to");
  if (o.max_connections == 0) return status::invalid_argument("node listener: a connection cap of 0 refuses every agent");
  if (o.tls_cert_file.empty() != o.tls_key_file.empty())
    return status::invalid_argument("node listener: a TLS certificate and its key go together");
  if (!o.tls_ca_file.empty() && o.tls_cert_file.empty())
    return status::invalid_argument("node listener: a client CA needs the server's own certificate and key");
  return {};
}

std::string peer_of(const tcp::socket& socket) {
  std::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  if (ec) return "an unknown peer";
  return peer.address().to_string() + ":" + std::to_string(peer.port());
}

}  // namespace

struct basp_relay::impl {
  relay_options options;
  std::shared_ptr<asio::ssl::context> tls;  // null: plain TCP. Declared before the listener so
                                            // that it outlives every TLS stream.
  std::atomic<uint64_t> connections{0}, refused{0}, oversize{0}, tls_failures{0};
  std::atomic<std::size_t> live{0};
  tcp_listener listener;  // last: destroyed first, closing every connection

  void event(const std::string& text) {
    if (!options.on_event) return;
    try {
      options.on_event(text);
    } catch (...) {
      // A logging hook must not take the relay's thread down with it.
    }
  }

  void on_accepted(std::error_code ec, tcp::socket socket) {
    if (ec) return event("accept failed: " + ec.message());
    if (live.load() >= options.max_connections) {
      refused.fetch_add(1);
      event("connection from " + peer_of(socket) + " refused: " + std::to_string(options.max_connections) +
            " connections open, the cap");
      std::error_code ignored;
      socket.close(ignored);
      return;
    }
    live.fetch_add(1);
    const uint64_t id = connections.fetch_add(1) + 1;
    event("connection #" + std::to_string(id) + " from " + peer_of(socket));
    if (!tls) return connect_upstream(id, std::make_shared<tcp_byte_stream>(std::move(socket)));
    handshake(id, std::make_shared<tls_byte_stream>(asio::ssl::stream<tcp::socket>(std::move(socket), *tls)));
  }

  void handshake(uint64_t id, std::shared_ptr<tls_byte_stream> client) {
    auto deadline =
        std::make_shared<asio::steady_timer>(listener.io(), std::chrono::seconds(k_tls_handshake_timeout_s));
    auto timed_out = std::make_shared<bool>(false);
    deadline->async_wait([client, timed_out](std::error_code ec) {
      if (ec) return;
      *timed_out = true;
      client->close();  // the handshake below then fails
    });
    client->stream().async_handshake(asio::ssl::stream_base::server, [this, id, client, deadline,
                                                                       timed_out](std::error_code ec) {
      deadline->cancel();
      if (!ec) return connect_upstream(id, client);
      tls_failures.fetch_add(1);
      client->close();
      release(id, *timed_out ? "TLS handshake not finished within " + std::to_string(k_tls_handshake_timeout_s) + " s"
                             : "TLS handshake failed: " + ec.message());
    });
  }

  void connect_upstream(uint64_t id, std::shared_ptr<byte_stream> client) {
    auto socket = std::make_shared<tcp::socket>(listener.io());
    tcp::endpoint gateway(asio::ip::address_v4::loopback(), options.upstream_port);
    socket->async_connect(gateway, [this, id, client, socket](std::error_code ec) {
      if (ec) {
        client->close();
        return release(id, "gateway 127.0.0.1:" + std::to_string(options.upstream_port) +
                               " unreachable: " + ec.message());
      }
      relay(id, client, std::make_shared<tcp_byte_stream>(std::move(*socket)));
    });
  }

  void relay(uint64_t id, std::shared_ptr<byte_stream> client, std::shared_ptr<byte_stream> upstream) {
    auto filter = std::make_shared<basp_frame_filter>(options.max_frame_payload);
    auto check = [this, id, filter](const char* in, std::size_t n, std::vector<char>& out) {
      if (filter->feed(in, n, out)) return true;
      oversize.fetch_add(1);
      event("connection #" + std::to_string(id) + ": a BASP message over the cap of " +
            std::to_string(options.max_frame_payload) + " bytes");
      return false;
    };
    std::make_shared<pipe>(client, upstream, std::move(check), [this, id] { release(id, "closed"); })->start();
  }

  // Gives the connection's slot back.
  void release(uint64_t id, const std::string& why) {
    live.fetch_sub(1);
    event("connection #" + std::to_string(id) + ": " + why);
  }
};

status_or<std::unique_ptr<basp_relay>> basp_relay::start(relay_options options) {
  if (auto st = check_options(options); !st.ok()) return st;
  auto i = std::make_unique<impl>();
  i->options = std::move(options);
  if (!i->options.tls_cert_file.empty()) {
    auto ctx = server_tls_context(i->options.tls_cert_file, i->options.tls_key_file, i->options.tls_ca_file);
    if (!ctx.ok()) return ctx.status();
    i->tls = std::move(ctx).value();
  }
  const std::string& host = i->options.listen_host;
  std::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return status::invalid_argument("node listener: \"" + host + "\" is not an IP address or localhost");
  if (auto st = i->listener.listen(tcp::endpoint(address, i->options.listen_port), "node listener"); !st.ok())
    return st;
  i->listener.run([raw = i.get()](std::error_code ec, tcp::socket socket) { raw->on_accepted(ec, std::move(socket)); });
  return std::unique_ptr<basp_relay>(new basp_relay(std::move(i)));
}

basp_relay::basp_relay(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

basp_relay::~basp_relay() = default;

uint16_t basp_relay::port() const { return impl_->listener.port(); }
uint64_t basp_relay::connections() const { return impl_->connections.load(); }
std::size_t basp_relay::live_connections() const { return impl_->live.load(); }
uint64_t basp_relay::refused_connections() const { return impl_->refused.load(); }
uint64_t basp_relay::oversize_frames() const { return impl_->oversize.load(); }
uint64_t basp_relay::tls_failures() const { return impl_->tls_failures.load(); }

}  // namespace mainspring::net
