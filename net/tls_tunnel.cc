#include "net/tls_tunnel.h"

#include <atomic>
#include <thread>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "net/byte_stream.h"
#include "net/pipe.h"
#include "net/tls_context.h"

namespace mainspring::net {

using asio::ip::tcp;

struct tls_tunnel::impl {
  tunnel_options options;
  std::shared_ptr<asio::ssl::context> tls;  // before io: outlives the streams
  asio::io_context io;
  tcp::acceptor acceptor{io};
  tcp::resolver resolver{io};
  std::thread thread;
  std::atomic<uint64_t> failed{0};

  void accept() {
    acceptor.async_accept([this](std::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) dial(std::make_shared<tcp_byte_stream>(std::move(socket)));
      accept();
    });
  }

  void give_up(const std::shared_ptr<byte_stream>& local) {
    failed.fetch_add(1);
    local->close();
  }

  void dial(std::shared_ptr<byte_stream> local) {
    resolver.async_resolve(options.server_host, std::to_string(options.server_port),
                           [this, local](std::error_code ec, tcp::resolver::results_type found) {
      if (ec) return give_up(local);
      auto server = std::make_shared<tls_byte_stream>(asio::ssl::stream<tcp::socket>(io, *tls));
      asio::async_connect(server->stream().lowest_layer(), found,
                          [this, local, server](std::error_code ec, const tcp::endpoint&) {
        if (ec) return give_up(local);
        server->stream().async_handshake(asio::ssl::stream_base::client, [this, local, server](std::error_code ec) {
          if (ec) {
            server->close();
            return give_up(local);
          }
          std::make_shared<pipe>(local, server, nullptr, nullptr)->start();
        });
      });
    });
  }
};

status_or<std::unique_ptr<tls_tunnel>> tls_tunnel::start(tunnel_options options) {
  auto i = std::make_unique<impl>();
  i->options = std::move(options);
  auto ctx = client_tls_context(i->options.tls_ca_file, i->options.tls_cert_file, i->options.tls_key_file);
  if (!ctx.ok()) return ctx.status();
  i->tls = std::move(ctx).value();
  std::error_code ec;
  tcp::endpoint endpoint(asio::ip::address_v4::loopback(), 0);
  i->acceptor.open(endpoint.protocol(), ec);
  if (!ec) i->acceptor.bind(endpoint, ec);
  if (!ec) i->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return status::unavailable("TLS tunnel: " + ec.message());
  i->accept();
  i->thread = std::thread([raw = i.get()] { raw->io.run(); });
  return std::unique_ptr<tls_tunnel>(new tls_tunnel(std::move(i)));
}

tls_tunnel::tls_tunnel(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

tls_tunnel::~tls_tunnel() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t tls_tunnel::port() const { return impl_->acceptor.local_endpoint().port(); }
uint64_t tls_tunnel::failed_dials() const { return impl_->failed.load(); }

}  // namespace mainspring::net
