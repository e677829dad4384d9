// http_connection: one kept-alive HTTP/1.1 client connection for load_client, on Boost.Asio with
// Boost.Beast reading the answers (Content-Length, chunked, or until the server closes). It sends
// one request at a time, opens itself on the first request and again after the server closed it,
// and fails a request that outlives the request timeout.
//
// Example:
//   std::string error;
//   auto target = load_target::resolve("http://127.0.0.1:8080", &error);  // nullopt + error
//   boost::asio::io_context io{1};
//   http_connection conn(io, *target, std::chrono::seconds(30),
//                        [&](http_result&& r) { ... r.status, r.body, r.error ... });
//   conn.send(target->request_text({"GET", "/health"}));
//   io.run_until(deadline);  // or a timer calling conn.expire_if_past(now) every few ms
//
// Not thread-safe: everything runs on the thread that runs `io`. The answer callback is called
// from a handler, never from inside send(), and may send the next request at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "bench/load_client.h"

namespace mainspring::bench {

// Where a load_client sends its requests: a base URL taken apart and resolved once.
struct load_target {
  // Parses "http://host:port[/prefix]" (host a name, an IPv4 address or a bracketed IPv6 one;
  // port 80 when absent) and resolves the host. nullopt, with *error saying why, when the URL is
  // not like that or the host does not resolve.
  static std::optional<load_target> resolve(std::string_view base_url, std::string* error);

  // The whole request as it goes on the wire: request line, Host, Content-Type (JSON) and
  // Content-Length when there is a body (Content-Length: 0 for a POST or PUT without one), the
  // body. Built once per call, written with one send.
  std::string request_text(const http_call& call) const;

  std::string host;         // without brackets: "127.0.0.1", "::1"
  std::string port;         // "8080"
  std::string authority;    // the Host header, as written in the URL: "[::1]:8080"
  std::string path_prefix;  // what follows the authority in the URL, usually ""
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // tried in order when connecting
};

class http_connection {
 public:
  // The answer to the request in flight: status and body, or status 0 with `error`. Its latency
  // is left 0 for the caller, who knows when the request was meant to start.
  using answer_handler = std::function<void(http_result&&)>;

  // -- constructors --

  // REQUIRES: `io` and `target` outlive the connection.
  http_connection(boost::asio::io_context& io, const load_target& target,
                  std::chrono::milliseconds request_timeout, answer_handler on_answer);
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  // -- requests --

  // Sends `request` (from load_target::request_text) and reads its answer; on_answer gets it.
  // REQUIRES: !busy().
  void send(std::string request);
  // Fails the request in flight with a timeout error if it was sent request_timeout ago or more:
  // the connection is closed (an answer may still be on its way) and reopened by the next send.
  void expire_if_past(std::chrono::steady_clock::time_point now);
  // Drops the request in flight without calling on_answer, and closes the connection.
  void abandon();

  // -- properties --

  bool busy() const { return busy_; }

 private:
  void connect();
  void write();
  void read();
  void answered();
  void failed(boost::system::error_code ec, std::string_view stage);
  bool worth_a_retry(boost::system::error_code ec) const;
  void close();
  void deliver(http_result&& r);

  // -- member variables --

  boost::asio::ip::tcp::socket socket_;
  const load_target& target_;
  const std::chrono::milliseconds timeout_;
  answer_handler on_answer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  std::string request_;
  std::chrono::steady_clock::time_point expires_;
  // Bumped whenever the request in flight is given up, so that the handlers of its operations
  // (which still run, with operation_aborted) know they are stale.
  uint64_t generation_ = 0;
  bool busy_ = false;
  bool reused_ = false;     // the open connection has already carried a complete exchange
  bool retried_ = false;    // this request was already sent again on a fresh connection
  bool timed_out_ = false;  // this request was failed by expire_if_past
};

}  // namespace mainspring::bench
