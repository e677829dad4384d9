#include "net/basp_relay.h"

#include <thread>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "net/basp_frame_filter.h"
#include "net/byte_stream.h"
#include "net/pipe.h"
#include "net/tls_context.h"

namespace mainspring::net {

using asio::ip::tcp;

struct basp_relay::impl {
  relay_options options;
  std::shared_ptr<asio::ssl::context> tls;  // null: plain TCP. Before io: outlives the streams
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::atomic<uint64_t> connections{0}, refused{0}, oversize{0}, tls_failures{0};
  std::atomic<std::size_t> live{0};

  void accept() {
    acceptor.async_accept([this](std::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) on_accepted(std::move(socket));
      accept();
    });
  }

  void on_accepted(tcp::socket socket) {
    if (live.load() >= options.max_connections) {
      refused.fetch_add(1);
      std::error_code ignored;
      socket.close(ignored);
      return;
    }
    live.fetch_add(1);
    connections.fetch_add(1);
    if (!tls) return connect_upstream(std::make_shared<tcp_byte_stream>(std::move(socket)));
    auto client = std::make_shared<tls_byte_stream>(asio::ssl::stream<tcp::socket>(std::move(socket), *tls));
    auto deadline = std::make_shared<asio::steady_timer>(io, std::chrono::seconds(k_tls_handshake_timeout_s));
    deadline->async_wait([client](std::error_code ec) {
      if (!ec) client->close();  // the handshake below then fails
    });
    client->stream().async_handshake(asio::ssl::stream_base::server, [this, client, deadline](std::error_code ec) {
      deadline->cancel();
      if (ec) {
        tls_failures.fetch_add(1);
        client->close();
        live.fetch_sub(1);
        return;
      }
      connect_upstream(client);
    });
  }

  void connect_upstream(std::shared_ptr<byte_stream> client) {
    auto socket = std::make_shared<tcp::socket>(io);
    tcp::endpoint gateway(asio::ip::address_v4::loopback(), options.upstream_port);
    socket->async_connect(gateway, [this, client, socket](std::error_code ec) {
      if (ec) {
        client->close();
        live.fetch_sub(1);
        return;
      }
      auto upstream = std::make_shared<tcp_byte_stream>(std::move(*socket));
      auto filter = std::make_shared<basp_frame_filter>(options.max_frame_payload);
      auto p = std::make_shared<pipe>(
          client, upstream,
          [this, filter](const char* in, std::size_t n, std::vector<char>& out) {
            if (filter->feed(in, n, out)) return true;
            oversize.fetch_add(1);
            return false;
          },
          [this] { live.fetch_sub(1); });
      p->start();
    });
  }
};

status_or<std::unique_ptr<basp_relay>> basp_relay::start(relay_options options) {
  auto i = std::make_unique<impl>();
  i->options = std::move(options);
  if (!i->options.tls_cert_file.empty()) {
    auto ctx = server_tls_context(i->options.tls_cert_file, i->options.tls_key_file, i->options.tls_ca_file);
    if (!ctx.ok()) return ctx.status();
    i->tls = std::move(ctx).value();
  }
  std::error_code ec;
  std::string host = i->options.listen_host == "localhost" ? "127.0.0.1" : i->options.listen_host;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return status::invalid_argument("node listener: \"" + i->options.listen_host + "\" is not an IP address");
  tcp::endpoint endpoint(address, i->options.listen_port);
  i->acceptor.open(endpoint.protocol(), ec);
  if (!ec) i->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) i->acceptor.bind(endpoint, ec);
  if (!ec) i->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return status::unavailable("node listener " + host + ":" + std::to_string(i->options.listen_port) + ": " + ec.message());
  i->accept();
  i->thread = std::thread([raw = i.get()] { raw->io.run(); });
  return std::unique_ptr<basp_relay>(new basp_relay(std::move(i)));
}

basp_relay::basp_relay(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

basp_relay::~basp_relay() {
  asio::post(impl_->io, [raw = impl_.get()] {
    std::error_code ignored;
    raw->acceptor.close(ignored);
  });
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t basp_relay::port() const { return impl_->acceptor.local_endpoint().port(); }
uint64_t basp_relay::connections() const { return impl_->connections.load(); }
std::size_t basp_relay::live_connections() const { return impl_->live.load(); }
uint64_t basp_relay::refused_connections() const { return impl_->refused.load(); }
uint64_t basp_relay::oversize_frames() const { return impl_->oversize.load(); }
uint64_t basp_relay::tls_failures() const { return impl_->tls_failures.load(); }

}  // namespace mainspring::net
