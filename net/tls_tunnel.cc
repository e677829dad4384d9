#include "net/tls_tunnel.h"

#include <atomic>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "net/byte_stream.h"
#include "net/pipe.h"
#include "net/tcp_listener.h"
#include "net/tls_context.h"

namespace mainspring::net {

using asio::ip::tcp;

namespace {

status check_options(const tunnel_options& o) {
  if (o.server_host.empty() || o.server_port == 0)
    return status::invalid_argument("tunnel: no server host and port to dial");
  if (o.tls_cert_file.empty() != o.tls_key_file.empty())
    return status::invalid_argument("tunnel: a TLS client certificate and its key go together");
  if (!o.tls_cert_file.empty() && o.tls_ca_file.empty())
    return status::invalid_argument("tunnel: a TLS client certificate needs the server's CA");
  return {};
}

}  // namespace

struct tls_tunnel::impl {
  tunnel_options options;
  std::shared_ptr<asio::ssl::context> tls;  // null: plain TCP. Declared before the listener so
                                            // that it outlives every TLS stream.
  std::atomic<uint64_t> failed{0};
  tcp_listener listener;  // last: destroyed first, closing every connection

  std::string server() const { return options.server_host + ":" + std::to_string(options.server_port); }

  void give_up(const std::shared_ptr<byte_stream>& local, const std::string& why) {
    failed.fetch_add(1);
    local->close();
    if (!options.on_event) return;
    try {
      options.on_event("server " + server() + ": " + why);
    } catch (...) {
      // A logging hook must not take the tunnel's thread down with it.
    }
  }

  void on_accepted(std::error_code ec, tcp::socket socket) {
    if (ec) return;  // the listener retries; a local accept failure has nobody to tell
    auto local = std::make_shared<tcp_byte_stream>(std::move(socket));
    // One resolver per dial, owned by its handler: it then never outlives the io_context.
    auto resolver = std::make_shared<tcp::resolver>(listener.io());
    resolver->async_resolve(options.server_host, std::to_string(options.server_port),
                            [this, local, resolver](std::error_code ec, tcp::resolver::results_type found) {
      if (ec) return give_up(local, "cannot resolve: " + ec.message());
      auto socket = std::make_shared<tcp::socket>(listener.io());
      asio::async_connect(*socket, found, [this, local, socket](std::error_code ec, const tcp::endpoint&) {
        if (ec) return give_up(local, "unreachable: " + ec.message());
        if (!tls) return std::make_shared<pipe>(local, std::make_shared<tcp_byte_stream>(std::move(*socket)),
                                                nullptr, nullptr)->start();
        handshake(local, std::make_shared<tls_byte_stream>(asio::ssl::stream<tcp::socket>(std::move(*socket), *tls)));
      });
    });
  }

  void handshake(std::shared_ptr<byte_stream> local, std::shared_ptr<tls_byte_stream> server) {
    server->stream().async_handshake(asio::ssl::stream_base::client, [this, local, server](std::error_code ec) {
      if (!ec) return std::make_shared<pipe>(local, server, nullptr, nullptr)->start();
      server->close();
      give_up(local, "TLS handshake failed: " + ec.message());
    });
  }
};

status_or<std::unique_ptr<tls_tunnel>> tls_tunnel::start(tunnel_options options) {
  if (auto st = check_options(options); !st.ok()) return st;
  auto i = std::make_unique<impl>();
  i->options = std::move(options);
  if (!i->options.tls_ca_file.empty()) {
    auto ctx = client_tls_context(i->options.tls_ca_file, i->options.tls_cert_file, i->options.tls_key_file);
    if (!ctx.ok()) return ctx.status();
    i->tls = std::move(ctx).value();
  }
  if (auto st = i->listener.listen(tcp::endpoint(asio::ip::address_v4::loopback(), 0), "tunnel"); !st.ok())
    return st;
  i->listener.run([raw = i.get()](std::error_code ec, tcp::socket socket) { raw->on_accepted(ec, std::move(socket)); });
  return std::unique_ptr<tls_tunnel>(new tls_tunnel(std::move(i)));
}

tls_tunnel::tls_tunnel(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

tls_tunnel::~tls_tunnel() = default;

uint16_t tls_tunnel::port() const { return impl_->listener.port(); }
uint64_t tls_tunnel::failed_dials() const { return impl_->failed.load(); }

}  // namespace mainspring::net
