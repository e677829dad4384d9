#include "http/http_server.h"

#include <sys/socket.h>

#include <atomic>
#include <charconv>
#include <exception>
#include <map>
#include <mutex>

#include <pistache/listener.h>
#include <pistache/peer.h>
#include <pistache/tcp.h>

#include "http/request_parser.h"

namespace mainspring::http {

namespace {

using Pistache::Tcp::Peer;

constexpr const char* k_connection_key = "mainspring.connection";

// One client connection: its parser and the responses that must go out in request order.
struct connection : std::enable_shared_from_this<connection> {
  explicit connection(const http_server_options& options)
      : parser(options.max_body_bytes, k_max_head_bytes, options.body_limit_for) {}

  request_parser parser;
  std::weak_ptr<Peer> peer;
  std::mutex mutex;
  uint64_t next_sequence = 0;  // given to the next parsed request
  uint64_t next_to_send = 0;   // the request whose response is written next
  std::map<uint64_t, std::pair<std::string, bool>> ready;  // sequence -> (bytes, keep_alive)
  bool closing = false;        // a response said "Connection: close": write nothing after it
  bool broken = false;         // the request stream is out of sync: parse nothing more

  // Queues the serialized response of request `sequence` and writes every response now due.
  void complete(uint64_t sequence, std::string bytes, bool keep_alive) {
    std::lock_guard<std::mutex> lock(mutex);
    ready.emplace(sequence, std::make_pair(std::move(bytes), keep_alive));
    auto p = peer.lock();
    for (auto it = ready.find(next_to_send); it != ready.end(); it = ready.find(next_to_send)) {
      auto [data, keep] = std::move(it->second);
      ready.erase(it);
      ++next_to_send;
      if (closing || !p) continue;
      auto size = data.size();
      auto sent = p->send(Pistache::RawBuffer(std::move(data), size));
      if (!keep) {
        closing = true;
        // Shut down only if this very peer is still connected: once it is gone its fd number
        // may already belong to a new connection.
        sent.then(
            [weak = std::weak_ptr<Peer>(p)](ssize_t) {
              if (auto alive = weak.lock()) ::shutdown(alive->fd(), SHUT_RDWR);
            },
            Pistache::Async::IgnoreException);
      }
    }
  }
};

class tcp_handler : public Pistache::Tcp::Handler {
 public:
  tcp_handler(const request_handler* dispatch, const http_server_options* options,
              const std::atomic<uint16_t>* port)
      : dispatch_(dispatch), options_(options), port_(port) {}
  PROTOTYPE_OF(Pistache::Tcp::Handler, tcp_handler)

  void onConnection(const std::shared_ptr<Peer>& peer) override {
    auto conn = std::make_shared<connection>(*options_);
    conn->peer = peer;
    peer->putData(k_connection_key, conn);
  }

  void onInput(const char* buffer, size_t len, const std::shared_ptr<Peer>& peer) override {
    auto conn = std::static_pointer_cast<connection>(peer->tryGetData(k_connection_key));
    if (!conn || conn->broken) return;
    conn->parser.feed(std::string_view(buffer, len));
    for (;;) {
      http_request request;
      http_response error;
      auto state = conn->parser.next(&request, &error);
      if (conn->parser.take_continue_request()) {
        static const std::string k_continue = "HTTP/1.1 100 Continue\r\n\r\n";
        peer->send(Pistache::RawBuffer(k_continue, k_continue.size()));
      }
      if (state == request_parser::state::need_more) return;
      uint64_t sequence = conn->next_sequence++;
      if (state == request_parser::state::error) {
        conn->broken = true;
        if (options_->render_error) error = rendered(error);
        conn->complete(sequence, serialize_response(error, false), false);
        return;
      }
      dispatch(conn, sequence, request);
    }
  }

 private:
  // The parser's plain-text refusal in the listener's error shape.
  http_response rendered(const http_response& plain) const {
    std::string message = plain.body;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    auto code = plain.status == 413 || plain.status == 431 ? status_code::resource_exhausted
                                                           : status_code::invalid_argument;
    return options_->render_error(plain.status, status(code, std::move(message)));
  }

  void dispatch(const std::shared_ptr<connection>& conn, uint64_t sequence, http_request& request) {
    request.local_port = port_->load(std::memory_order_relaxed);
    bool keep_alive = request.keep_alive;
    bool head_only = request.method == "HEAD";
    std::weak_ptr<connection> weak = conn;
    responder reply([weak, sequence, keep_alive, head_only](http_response response) {
      if (auto c = weak.lock())
        c->complete(sequence, serialize_response(response, keep_alive, head_only), keep_alive);
    });
    // A handler must never take the reactor thread down with it.
    try {
      (*dispatch_)(request, reply);
    } catch (const std::exception&) {
      reply.send(http_response::json(500, R"({"error":"internal error"})"));
    }
  }

  const request_handler* dispatch_;
  const http_server_options* options_;
  const std::atomic<uint16_t>* port_;  // the bound port, set before the first connection
};

}  // namespace

struct http_server::impl {
  http_server_options options;
  request_handler handler;
  Pistache::Tcp::Listener listener;
  std::atomic<uint16_t> port{0};
  bool running = false;
};

http_server::http_server(http_server_options options, request_handler handler)
    : impl_(std::make_unique<impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

http_server::~http_server() { stop(); }

status http_server::start() {
  auto& o = impl_->options;
  try {
    auto flags = Pistache::Flags<Pistache::Tcp::Options>(Pistache::Tcp::Options::ReuseAddr) |
                 Pistache::Tcp::Options::NoDelay;
    impl_->listener.init(static_cast<size_t>(o.threads), flags, "ms-http");
    impl_->listener.setHandler(
        std::make_shared<tcp_handler>(&impl_->handler, &impl_->options, &impl_->port));
    impl_->listener.bind(Pistache::Address(o.host, Pistache::Port(o.port)));
    impl_->port = static_cast<uint16_t>(impl_->listener.getPort());
    impl_->listener.runThreaded();
  } catch (const std::exception& e) {
    return status::unavailable("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                               e.what());
  }
  impl_->running = true;
  return {};
}

void http_server::stop() {
  if (!impl_->running) return;
  impl_->running = false;
  impl_->listener.shutdown();
}

uint16_t http_server::port() const { return static_cast<uint16_t>(impl_->listener.getPort()); }

status_or<std::pair<std::string, uint16_t>> parse_listen_address(const std::string& text) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return status::invalid_argument("listen: expected [ipv6]:port, got \"" + text + "\"");
    host = text.substr(1, close - 1);
    port_text = std::string_view(text).substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
      return status::invalid_argument("listen: expected host:port, got \"" + text + "\"");
    host = text.substr(0, colon);
    port_text = std::string_view(text).substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535)
    return status::invalid_argument("listen: bad port in \"" + text + "\"");
  return std::make_pair(host, static_cast<uint16_t>(port));
}

}  // namespace mainspring::http
