// http_server: the HTTP/1.1 listener every dialect is served on.
//
// Built on Pistache's TCP layer (its listener, reactor and worker threads) with Mainspring's own
// request parser on top, which mends what Pistache 0.0.5's HTTP layer gets wrong: connections
// stay open unless the client says "Connection: close" (RFC 9112), pipelined requests are all
// answered in order, malformed heads get a prompt 4xx, and a bad Content-Length never leaks
// internal text. Handlers may answer from any thread through their responder; that thread
// writes the answer to the socket itself unless earlier bytes of the connection still wait to be
// written (then the answer waits behind them), which spares each answer Pistache's eventfd,
// epoll_ctl and reactor wake-up. What waits goes to Pistache's write queue 256 KiB at a time, the
// next piece once the last is written, so that a large answer (a full job list) neither holds the
// reactor from other connections nor gets copied whole. Reads stop at a short read rather than
// at an EAGAIN (single_read_transport): one recv() a request, not two.
//
// Example:
//   http_server server({"127.0.0.1", 8080, 2}, [&](http_request& req, responder reply) {
//     reply.send(http_response::text(200, "hello\n"));
//   });
//   if (auto st = server.start(); !st.ok()) die(st.message());
//   ...
//   server.stop();
//
// What a connection may cost is bounded (connection_limits): a client has a deadline to send a
// whole request head (slowloris), a connection silent for the idle timeout with no answer pending
// is closed, and a listener holds at most max_connections at once, answering the next ones 503
// with "Connection: close". A sweep on a thread of the server's own checks the first two.
//
// Known limit (Pistache's transport): a client that half-closes its socket (shutdown(SHUT_WR))
// right after its request has the connection closed before the answer is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/error_renderer.h"
#include "http/http_message.h"
#include "http/responder.h"
#include "http/router.h"

namespace mainspring::http {

// The defaults of connection_limits (flags of `mainspring serve` change them).
inline constexpr int64_t k_request_head_deadline_ms = 10'000;
inline constexpr int64_t k_idle_timeout_ms = 60'000;
inline constexpr std::size_t k_max_connections = 4096;

struct connection_limits {
  // A connection must send a whole request head within this long of opening, and each further
  // request head within this long of its first byte; otherwise it is closed.
  int64_t request_head_deadline_ms = k_request_head_deadline_ms;
  // A connection that sends nothing for this long while no answer of its is pending is closed.
  int64_t idle_timeout_ms = k_idle_timeout_ms;
  // Open connections of the listener; one more is answered 503 with "Connection: close" and
  // closed.
  std::size_t max_connections = k_max_connections;
};

struct http_server_options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port (see http_server::port())
  int threads = 1;       // Pistache reactor threads
  std::size_t max_body_bytes = k_max_body_bytes;
  // A larger cap for some paths (see request_parser); empty = max_body_bytes everywhere.
  std::function<std::size_t(std::string_view path)> body_limit_for;
  // The shape of the answers to requests the parser refuses (400, 413, 431, 505) and to
  // connections over the cap (503), by the request's path ("" when unknown); empty = plain text.
  path_error_renderer render_error;
  // The paths whose original server was Go's net/http: their requests are read, and malformed ones
  // refused, as net/http does (request_parser: such a refusal is sent as net/http writes it, not
  // through render_error), and their answers carry a Date header as net/http's do. Empty: none.
  std::function<bool(std::string_view path)> net_http_paths;
  connection_limits limits;
};

class http_server {
 public:
  // -- constructors --
  http_server(http_server_options options, request_handler handler);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // -- lifecycle --

  // Binds and starts serving on background threads. Fails with `unavailable` when the address
  // cannot be bound.
  status start();
  void stop();

  // -- properties --
  uint16_t port() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Splits "127.0.0.1:8080" or "[::1]:8080" into host and port. Fails on anything else.
status_or<std::pair<std::string, uint16_t>> parse_listen_address(const std::string& text);

}  // namespace mainspring::http
