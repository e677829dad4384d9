// byte_stream: a connected TCP socket, with or without TLS, behind one small interface, so that
// the relay and the tunnel pipe bytes the same way whatever the stream is.
//
// Example:
//   auto s = std::make_shared<tcp_byte_stream>(std::move(socket));
//   s->async_read_some(asio::buffer(buf), [](std::error_code ec, std::size_t n) { ... });
//   s->close();
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <system_error>

#include <asio.hpp>
#include <asio/ssl.hpp>

namespace mainspring::net {

using io_handler = std::function<void(std::error_code, std::size_t)>;

class byte_stream {
 public:
  virtual ~byte_stream() = default;
  virtual void async_read_some(asio::mutable_buffer buffer, io_handler done) = 0;
  // Writes all of `buffer` (the caller keeps it alive until `done`).
  virtual void async_write(asio::const_buffer buffer, io_handler done) = 0;
  // Closes the connection; pending operations end with an error. Idempotent.
  virtual void close() = 0;
};

// Turns Nagle's algorithm off on a connected socket. CAF sends many small BASP messages and waits
// for answers; with Nagle on, each hop of relay and tunnel held them 20-40 ms (delayed ACKs).
inline void send_without_delay(asio::ip::tcp::socket& socket) {
  std::error_code ignored;  // a socket that cannot take it still works, only slower
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
}

class tcp_byte_stream final : public byte_stream {
 public:
  // REQUIRES: `socket` is connected.
  explicit tcp_byte_stream(asio::ip::tcp::socket socket) : socket_(std::move(socket)) {
    send_without_delay(socket_);
  }
  void async_read_some(asio::mutable_buffer buffer, io_handler done) override {
    socket_.async_read_some(buffer, std::move(done));
  }
  void async_write(asio::const_buffer buffer, io_handler done) override {
    asio::async_write(socket_, buffer, std::move(done));
  }
  void close() override {
    std::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  asio::ip::tcp::socket socket_;
};

class tls_byte_stream final : public byte_stream {
 public:
  // REQUIRES: the stream's socket is connected (the handshake may still be to come).
  explicit tls_byte_stream(asio::ssl::stream<asio::ip::tcp::socket> stream) : stream_(std::move(stream)) {
    send_without_delay(stream_.next_layer());
  }
  // For the handshake, before the stream is piped.
  asio::ssl::stream<asio::ip::tcp::socket>& stream() { return stream_; }
  void async_read_some(asio::mutable_buffer buffer, io_handler done) override {
    stream_.async_read_some(buffer, std::move(done));
  }
  void async_write(asio::const_buffer buffer, io_handler done) override {
    asio::async_write(stream_, buffer, std::move(done));
  }
  void close() override {
    // No TLS close_notify round trip: the peer sees the TCP connection end, which is enough here.
    std::error_code ignored;
    stream_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
  }

 private:
  asio::ssl::stream<asio::ip::tcp::socket> stream_;
};

}  // namespace mainspring::net
