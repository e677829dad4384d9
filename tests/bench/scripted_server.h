// scripted_server: a loopback HTTP/1.1 server for the load client's tests whose every answer is
// written by the test: raw answer text (chunked, without Content-Length, anything), whether to
// close the connection after it, how long to wait first, or no answer at all.
//
// Example:
//   scripted_server server([](std::size_t n) {  // n counts requests from 0, over all connections
//     return scripted_server::reply{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", /*close=*/true};
//   });
//   load_client client(server.url());
//   ... client.fetch({"GET", "/"}) ...
//   CHECK(server.connections() == 1);
//
// Test code only: one thread, Boost.Asio; requests are read up to their Content-Length body
// (no chunked requests). Throws std::runtime_error if it cannot listen.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace mainspring::bench::testing {

class scripted_server {
 public:
  struct reply {
    std::string text;                        // written as is
    bool close = false;                      // close the connection once it is written
    std::chrono::milliseconds delay{0};      // wait this long before writing
    bool silent = false;                     // never answer (the connection stays open)
  };
  using script = std::function<reply(std::size_t request_number)>;

  // -- constructors --

  explicit scripted_server(script answer) : answer_(std::move(answer)) {
    namespace asio = boost::asio;
    boost::system::error_code ec;
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("scripted_server: cannot listen: " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~scripted_server() {
    io_.stop();
    thread_.join();
  }

  scripted_server(const scripted_server&) = delete;
  scripted_server& operator=(const scripted_server&) = delete;

  // -- properties --

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::size_t connections() const { return connections_.load(); }
  std::size_t requests() const { return requests_.load(); }

  // A 200 answer with `body` and a Content-Length.
  static std::string ok_text(std::string_view body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
  }

 private:
  using tcp = boost::asio::ip::tcp;
  static constexpr std::size_t k_read_chunk_bytes = 16 * 1024;

  // One connection: read a request, answer as the script says, read the next.
  struct session : std::enable_shared_from_this<session> {
    session(tcp::socket s, scripted_server* server) : socket(std::move(s)), timer(socket.get_executor()), owner(server) {}

    void read() {
      socket.async_read_some(boost::asio::buffer(chunk), [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        if (ec) return;
        self->in.append(self->chunk.data(), n);
        self->serve_complete_request();
      });
    }

    void serve_complete_request() {
      auto end = in.find("\r\n\r\n");
      if (end == std::string::npos || in.size() < end + 4 + content_length(in.substr(0, end + 2))) return read();
      in.erase(0, end + 4 + content_length(in.substr(0, end + 2)));
      auto r = owner->answer_(owner->requests_++);
      if (r.silent) return read();
      timer.expires_after(r.delay);
      timer.async_wait([self = shared_from_this(), r](boost::system::error_code) {
        self->out = r.text;
        boost::asio::async_write(self->socket, boost::asio::buffer(self->out),
                                 [self, close = r.close](boost::system::error_code ec, std::size_t) {
                                   if (ec) return;
                                   if (close) return self->socket.close();
                                   self->serve_complete_request();
                                 });
      });
    }

    static std::size_t content_length(std::string head) {
      std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
      auto at = head.find("\r\ncontent-length:");
      return at == std::string::npos ? 0 : std::stoul(head.substr(at + 17));
    }

    tcp::socket socket;
    boost::asio::steady_timer timer;
    scripted_server* owner;
    std::array<char, k_read_chunk_bytes> chunk{};
    std::string in;
    std::string out;
  };

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      ++connections_;
      std::make_shared<session>(std::move(socket), this)->read();
      accept();
    });
  }

  // -- member variables --

  script answer_;
  boost::asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  uint16_t port_ = 0;
  std::atomic<std::size_t> connections_{0};
  std::atomic<std::size_t> requests_{0};
  std::thread thread_;
};

}  // namespace mainspring::bench::testing
