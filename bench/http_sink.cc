#include "bench/http_sink.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <thread>

#include <asio.hpp>

namespace mainspring::bench {

namespace {

using asio::ip::tcp;

constexpr std::size_t k_max_head_bytes = 64 * 1024;  // a client sending more is dropped
constexpr const char k_response[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";

struct counters {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> connections{0};
};

// The Content-Length of a request head (0 when absent or unreadable).
std::size_t content_length(std::string_view head) {
  static constexpr std::string_view k_key = "\r\ncontent-length:";
  auto it = std::search(head.begin(), head.end(), k_key.begin(), k_key.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
  if (it == head.end()) return 0;
  std::size_t pos = static_cast<std::size_t>(it - head.begin()) + k_key.size();
  while (pos < head.size() && head[pos] == ' ') ++pos;
  std::size_t n = 0;
  while (pos < head.size() && std::isdigit(static_cast<unsigned char>(head[pos])))
    n = n * 10 + static_cast<std::size_t>(head[pos++] - '0');
  return n;
}

// One connection: read, answer every complete request in the buffer, write, read again.
class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, counters* c) : socket_(std::move(socket)), counters_(c) {}

  void read() {
    socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](std::error_code ec, std::size_t n) {
      if (ec) return;
      self->in_.append(self->chunk_.data(), n);
      if (!self->answer_complete_requests()) return;
      if (self->out_.empty()) self->read();
      else self->write();
    });
  }

 private:
  // False when the client misbehaves and the connection should be dropped.
  bool answer_complete_requests() {
    std::size_t consumed = 0;
    for (;;) {
      std::string_view rest(in_.data() + consumed, in_.size() - consumed);
      auto end = rest.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        if (rest.size() > k_max_head_bytes) return false;
        break;
      }
      std::size_t total = end + 4 + content_length(rest.substr(0, end + 2));
      if (rest.size() < total) break;
      consumed += total;
      out_.append(k_response, sizeof k_response - 1);
      counters_->requests.fetch_add(1, std::memory_order_relaxed);
    }
    in_.erase(0, consumed);
    return true;
  }

  void write() {
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](std::error_code ec, std::size_t) {
      if (ec) return;
      self->out_.clear();
      self->read();
    });
  }

  tcp::socket socket_;
  counters* counters_;
  std::array<char, 16 * 1024> chunk_{};
  std::string in_;
  std::string out_;
};

}  // namespace

struct http_sink::impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  counters count;
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](std::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed: the sink is stopping
      count.connections.fetch_add(1, std::memory_order_relaxed);
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<session>(std::move(socket), &count)->read();
      accept();
    });
  }
};

std::unique_ptr<http_sink> http_sink::start(std::string* error) {
  auto p = std::make_unique<impl>();
  std::error_code ec;
  tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), 0);
  p->acceptor.open(endpoint.protocol(), ec);
  if (!ec) p->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) p->acceptor.bind(endpoint, ec);
  if (!ec) p->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    *error = "http sink: cannot listen on 127.0.0.1: " + ec.message();
    return nullptr;
  }
  p->accept();
  p->thread = std::thread([io = &p->io] { io->run(); });
  return std::unique_ptr<http_sink>(new http_sink(std::move(p)));
}

http_sink::http_sink(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

http_sink::~http_sink() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t http_sink::port() const { return impl_->acceptor.local_endpoint().port(); }
uint64_t http_sink::requests() const { return impl_->count.requests.load(std::memory_order_relaxed); }
uint64_t http_sink::connections() const {
  return impl_->count.connections.load(std::memory_order_relaxed);
}

}  // namespace mainspring::bench
