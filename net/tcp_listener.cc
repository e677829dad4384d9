#include "net/tcp_listener.h"

#include <chrono>

namespace mainspring::net {

using asio::ip::tcp;

tcp_listener::~tcp_listener() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

status tcp_listener::listen(const tcp::endpoint& at, const std::string& what) {
  std::error_code ec;
  acceptor_.open(at.protocol(), ec);
  // Without reuse_address a restarted server could not bind while old connections sit in
  // TIME_WAIT.
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(at, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) port_ = acceptor_.local_endpoint(ec).port();
  if (ec) {
    return status::unavailable(what + " " + at.address().to_string() + ":" + std::to_string(at.port()) + ": " +
                               ec.message());
  }
  return {};
}

void tcp_listener::run(accept_handler on_accept) {
  on_accept_ = std::move(on_accept);
  accept();
  thread_ = std::thread([this] { io_.run(); });
}

void tcp_listener::accept() {
  acceptor_.async_accept([this](std::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    on_accept_(ec, std::move(socket));
    if (!ec) return accept();
    retry_.expires_after(std::chrono::milliseconds(k_accept_retry_ms));
    retry_.async_wait([this](std::error_code ec) {
      if (!ec) accept();
    });
  });
}

}  // namespace mainspring::net
