// tcp_listener: a listening TCP socket plus the one io thread that serves it and every connection
// accepted from it. The relay and the tunnel are each one of these with a different idea of what
// to do with an accepted socket.
//
// Example:
//   tcp_listener listener;
//   auto st = listener.listen(tcp::endpoint(asio::ip::address_v4::loopback(), 0), "tunnel");
//   if (!st.ok()) return st;                       // unavailable, "tunnel 127.0.0.1:0: ..."
//   listener.run([](std::error_code ec, tcp::socket s) { /* on the io thread */ });
//   listener.port();                               // the port picked for 0
//
// Threading: everything the accept handler starts on io() runs on the one io thread, so the
// state it touches needs no lock. The destructor stops that thread and drops every pending
// operation without calling it; whatever those operations own (sockets, pipes) is destroyed then,
// which closes the connections.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <system_error>
#include <thread>

#include <asio.hpp>

#include "core/status.h"

namespace mainspring::net {

// After a failed accept (out of descriptors, most likely) the listener waits this long before
// the next one, rather than spinning on the same error.
inline constexpr int k_accept_retry_ms = 100;

class tcp_listener {
 public:
  // Called on the io thread for every accept: a connected socket, or an error (the listener
  // retries by itself; the error is for logging).
  using accept_handler = std::function<void(std::error_code, asio::ip::tcp::socket)>;

  // -- constructors --

  tcp_listener() = default;
  // Stops and joins the io thread, then closes the listening socket and every connection.
  // REQUIRES: not called on the io thread.
  ~tcp_listener();
  tcp_listener(const tcp_listener&) = delete;
  tcp_listener& operator=(const tcp_listener&) = delete;

  // -- operations --

  // Binds and listens on `at`; unavailable, naming `what` and the address, when that fails.
  // REQUIRES: called once, before run().
  status listen(const asio::ip::tcp::endpoint& at, const std::string& what);

  // Starts the io thread accepting connections, each handed to `on_accept`.
  // REQUIRES: listen() succeeded; called once.
  void run(accept_handler on_accept);

  // -- properties --

  // For the operations the accept handler starts (connects, reads, timers).
  asio::io_context& io() { return io_; }
  // The bound port; thread-safe (fixed by listen()).
  uint16_t port() const { return port_; }

 private:
  void accept();

  // -- member variables --

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_{io_};
  asio::steady_timer retry_{io_};
  accept_handler on_accept_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace mainspring::net
