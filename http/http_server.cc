#include "http/http_server.h"

#include <sys/socket.h>

#include <cerrno>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <pistache/listener.h>
#include <pistache/peer.h>
#include <pistache/tcp.h>

#include "http/request_parser.h"
#include "http/single_read_transport.h"

namespace mainspring::http {

namespace {

using Pistache::Tcp::Peer;

constexpr const char* k_connection_key = "mainspring.connection";
// How long a connection refused over the cap may stay open after its 503, so that the client
// reads the answer before the socket closes.
constexpr int64_t k_refusal_linger_ms = 1000;
// What the socket does not take at once goes to Pistache's write queue in pieces of at most this
// many bytes, one at a time (connection::hand_piece_locked).
constexpr std::size_t k_queued_write_piece = 256 * 1024;
// Bounds of the period of the deadline sweep.
constexpr int64_t k_min_sweep_period_ms = 20;
constexpr int64_t k_max_sweep_period_ms = 1000;

int64_t now_unix_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One client connection: its parser and the responses that must go out in request order.
struct connection : std::enable_shared_from_this<connection> {
  explicit connection(const http_server_options& options)
      : parser(options.max_body_bytes, k_max_head_bytes, options.body_limit_for, options.net_http_paths) {}

  request_parser parser;
  std::weak_ptr<Peer> peer;
  std::string client_ip;  // the peer's address, given to each request (for the audit log)
  std::mutex mutex;
  std::atomic<uint64_t> next_sequence{0};  // given to the next parsed request
  uint64_t next_to_send = 0;   // the request whose response is written next
  std::map<uint64_t, std::pair<std::string, bool>> ready;  // sequence -> (bytes, keep_alive)
  bool closing = false;        // a response said "Connection: close": write nothing after it
  bool broken = false;         // the request stream is out of sync: parse nothing more
  bool disconnected = false;   // Pistache is closing the socket (under `mutex`)
  bool refused = false;        // over the connection cap: answered 503, input ignored
  // What Pistache has not written yet, in order (under `mutex`): it is handed one piece at a
  // time, the next once the last is written. Pistache writes a queued buffer in one stretch if
  // the client keeps up, and its reactor reads no other connection meanwhile: a 22 MB list held
  // up other clients' requests for up to 160 ms (issue 17). It also copied a queued buffer three
  // times and its rest after every partial write, always into fresh memory.
  int queued_writes = 0;               // pieces handed to Pistache and not yet written: 0 or 1
  std::deque<std::string> backlog;     // answers (or their rest) not yet handed to Pistache
  std::size_t backlog_front_sent = 0;  // bytes of backlog.front() already handed to Pistache
  bool shut_when_written = false;      // a Connection: close answer waits in the backlog
  // For the deadline sweep: when the connection last received or sent, and since when it has
  // been waiting for a request head (0 = it is not).
  std::atomic<int64_t> opened_ms{now_ms()};
  std::atomic<int64_t> last_activity_ms{now_ms()};
  std::atomic<int64_t> head_since_ms{now_ms()};

  // Queues the serialized response of request `sequence` and writes every response now due.
  void complete(uint64_t sequence, std::string bytes, bool keep_alive) {
    std::vector<Pistache::Async::Promise<ssize_t>> queued;  // pieces handed to Pistache
    {
      std::lock_guard<std::mutex> lock(mutex);
      ready.emplace(sequence, std::make_pair(std::move(bytes), keep_alive));
      auto p = peer.lock();
      for (auto it = ready.find(next_to_send); it != ready.end(); it = ready.find(next_to_send)) {
        auto [data, keep] = std::move(it->second);
        ready.erase(it);
        ++next_to_send;
        if (closing || !p) continue;
        write_locked(*p, std::move(data), queued);
        if (!keep) {
          closing = true;
          // Written whole already: nothing is left to wait for.
          if (writes_pending_locked()) shut_when_written = true;
          else shut_locked(SHUT_RDWR);
        }
      }
    }
    // Outside the lock: a send that already completed runs its continuation right here, and
    // the continuations take `mutex` (holding it deadlocked the connection and then the reactor).
    for (auto& sent : queued) after_written(sent);
  }

  // Writes `bytes` (no response of the sequence, e.g. a 100 Continue) in order with the responses.
  void write_now(std::string bytes) {
    std::vector<Pistache::Async::Promise<ssize_t>> queued;
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto p = peer.lock();
      if (closing || !p) return;
      write_locked(*p, std::move(bytes), queued);
    }
    for (auto& sent : queued) after_written(sent);
  }

  bool writes_pending_locked() const { return queued_writes > 0 || !backlog.empty(); }

  // Writes `data` straight to the socket from the calling thread when nothing of this connection
  // waits to be written, which is the usual case: an answer fits the socket buffer. That spares
  // the answer Pistache's path (an eventfd write to wake the reactor, three epoll_ctl calls and a
  // reactor wake-up), which cost more than the rest of a create's HTTP handling (issue 17). What
  // the socket does not take now goes to the backlog, and so does everything after it until the
  // backlog has drained, so that bytes go out in order. A piece handed to Pistache goes to
  // `queued`. Caller holds `mutex`.
  void write_locked(Peer& p, std::string data, std::vector<Pistache::Async::Promise<ssize_t>>& queued) {
    if (disconnected) return;  // the fd may be another connection's by now
    last_activity_ms = now_ms();
    if (!writes_pending_locked()) {
      ssize_t n = ::send(p.fd(), data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n == static_cast<ssize_t>(data.size())) return;
      // A broken socket: Pistache sees it too and disconnects; the answer has nowhere to go.
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return;
      if (n > 0) data.erase(0, static_cast<std::size_t>(n));  // in place: no fresh memory
    }
    backlog.push_back(std::move(data));
    if (queued_writes == 0) hand_piece_locked(p, queued);
  }

  // Hands Pistache the next piece of the backlog: at most k_queued_write_piece bytes of its first
  // answer. Caller holds `mutex`. REQUIRES: the backlog is not empty.
  void hand_piece_locked(Peer& p, std::vector<Pistache::Async::Promise<ssize_t>>& queued) {
    std::string& front = backlog.front();
    const bool whole = backlog_front_sent == 0 && front.size() <= k_queued_write_piece;
    std::string piece;
    if (whole) {
      piece = std::move(front);
    } else {
      piece = front.substr(backlog_front_sent, k_queued_write_piece);
      backlog_front_sent += piece.size();
    }
    if (whole || backlog_front_sent == front.size()) {
      backlog.pop_front();
      backlog_front_sent = 0;
    }
    ++queued_writes;
    last_activity_ms = now_ms();
    auto size = piece.size();
    queued.push_back(p.send(Pistache::RawBuffer(std::move(piece), size)));
  }

  // Once Pistache has written a piece (or given up on it), hands it the next or, after the last
  // answer before a Connection: close, shuts the socket. A write Pistache drops unresolved (the
  // peer is gone) leaves the count up: nothing more is handed to it.
  void after_written(Pistache::Async::Promise<ssize_t>& sent) {
    auto done = [weak = weak_from_this()] {
      if (auto c = weak.lock()) c->piece_written();
    };
    sent.then([done](ssize_t) { done(); }, [done](std::exception_ptr) { done(); });
  }
  void piece_written() {
    std::vector<Pistache::Async::Promise<ssize_t>> queued;
    {
      std::lock_guard<std::mutex> lock(mutex);
      --queued_writes;
      auto p = peer.lock();
      if (disconnected || !p) {
        backlog.clear();
        backlog_front_sent = 0;
        return;
      }
      if (!backlog.empty()) hand_piece_locked(*p, queued);
      else if (shut_when_written) shut_locked(SHUT_RDWR);
    }
    for (auto& sent : queued) after_written(sent);
  }

  // Shuts the socket down (`how` as for ::shutdown) unless Pistache is already closing it: once
  // it has, its fd number may belong to a new connection. Pistache tells onDisconnection, which
  // takes `mutex`, before it closes the fd.
  void shut(int how) {
    std::lock_guard<std::mutex> lock(mutex);
    shut_locked(how);
  }
  void shut_locked(int how) {
    if (disconnected) return;
    if (auto p = peer.lock()) ::shutdown(p->fd(), how);
  }

  bool answer_pending() {
    std::lock_guard<std::mutex> lock(mutex);
    return next_to_send != next_sequence.load();
  }
};

// The open connections of one listener, for the cap and the deadline sweep; shared by the
// handler's clones (one per reactor thread) and the sweep thread.
struct connection_registry {
  std::mutex mutex;
  std::map<const connection*, std::weak_ptr<connection>> all;  // refused ones too
  std::atomic<std::size_t> open{0};                             // not counting refused ones

  void add(const std::shared_ptr<connection>& conn) {
    std::lock_guard<std::mutex> lock(mutex);
    all.emplace(conn.get(), conn);
  }
  void remove(const connection* conn) {
    std::lock_guard<std::mutex> lock(mutex);
    all.erase(conn);
  }
  std::vector<std::shared_ptr<connection>> snapshot() {
    std::lock_guard<std::mutex> lock(mutex);
    std::vector<std::shared_ptr<connection>> out;
    for (auto& [key, weak] : all)
      if (auto c = weak.lock()) out.push_back(std::move(c));
    return out;
  }
};

// Closes what overstayed: a refused connection after its linger, a connection that has not sent
// its request head within the deadline, one idle too long. Connections with an answer pending
// are the server's business, not the client's, and are left alone.
void sweep(connection_registry& registry, const connection_limits& limits) {
  int64_t now = now_ms();
  for (auto& conn : registry.snapshot()) {
    if (conn->refused) {
      if (now - conn->opened_ms > k_refusal_linger_ms) conn->shut(SHUT_RDWR);
      continue;
    }
    if (conn->answer_pending()) continue;
    int64_t head_since = conn->head_since_ms;
    bool head_late = head_since != 0 && now - head_since > limits.request_head_deadline_ms;
    bool idle = now - conn->last_activity_ms > limits.idle_timeout_ms;
    if (head_late || idle) conn->shut(SHUT_RDWR);
  }
}

class tcp_handler : public Pistache::Tcp::Handler {
 public:
  tcp_handler(const request_handler* dispatch, const http_server_options* options,
              const std::atomic<uint16_t>* port, connection_registry* registry)
      : dispatch_(dispatch), options_(options), port_(port), registry_(registry) {}
  PROTOTYPE_OF(Pistache::Tcp::Handler, tcp_handler)

  void onConnection(const std::shared_ptr<Peer>& peer) override {
    auto conn = std::make_shared<connection>(*options_);
    conn->peer = peer;
    conn->client_ip = peer->address().host();
    peer->putData(k_connection_key, conn);
    bool over_cap = registry_->open.fetch_add(1) >= options_->limits.max_connections;
    if (over_cap) {
      registry_->open.fetch_sub(1);
      conn->refused = true;
    }
    registry_->add(conn);  // its mutex publishes `refused` to the sweep thread
    if (over_cap) refuse(conn);
  }

  void onDisconnection(const std::shared_ptr<Peer>& peer) override {
    auto conn = std::static_pointer_cast<connection>(peer->tryGetData(k_connection_key));
    if (!conn) return;
    {
      std::lock_guard<std::mutex> lock(conn->mutex);
      conn->disconnected = true;
    }
    if (!conn->refused) registry_->open.fetch_sub(1);
    registry_->remove(conn.get());
  }

  void onInput(const char* buffer, size_t len, const std::shared_ptr<Peer>& peer) override {
    auto conn = std::static_pointer_cast<connection>(peer->tryGetData(k_connection_key));
    if (!conn || conn->broken || conn->refused) return;
    conn->last_activity_ms = now_ms();
    conn->parser.feed(std::string_view(buffer, len));
    for (;;) {
      http_request request;
      http_response error;
      auto state = conn->parser.next(&request, &error);
      if (conn->parser.take_continue_request()) {
        static const std::string k_continue = "HTTP/1.1 100 Continue\r\n\r\n";
        conn->write_now(k_continue);
      }
      if (state == request_parser::state::need_more) break;
      uint64_t sequence = conn->next_sequence++;
      if (state == request_parser::state::error) {
        conn->broken = true;
        if (options_->render_error && !conn->parser.refusal_is_net_http())
          error = rendered(error, conn->parser.refused_path());
        conn->complete(sequence, serialize_response(error, false), false);
        return;
      }
      dispatch(conn, sequence, request);
    }
    // The head deadline runs from the first byte of a request head (or from the connection's
    // opening, for its first request) until the head is complete.
    if (!conn->parser.reading_head()) conn->head_since_ms = 0;
    else if (conn->head_since_ms == 0) conn->head_since_ms = now_ms();
  }

 private:
  // Over the cap: a 503 that closes the connection. The socket is half-closed once the answer is
  // written, and fully closed by the sweep after k_refusal_linger_ms.
  void refuse(const std::shared_ptr<connection>& conn) {
    auto answer = http_response::text(503, "too many connections; try again later\n");
    if (options_->render_error)
      answer = options_->render_error("", 503, status::unavailable("too many connections; try again later"));
    std::string bytes = serialize_response(answer, false);
    auto p = conn->peer.lock();
    if (!p) return;
    auto size = bytes.size();
    p->send(Pistache::RawBuffer(std::move(bytes), size))
        .then([weak = std::weak_ptr<connection>(conn)](ssize_t) { if (auto c = weak.lock()) c->shut(SHUT_WR); },
              Pistache::Async::IgnoreException);
  }

  // The parser's plain-text refusal in the listener's error shape.
  http_response rendered(const http_response& plain, std::string_view path) const {
    std::string message = plain.body;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    auto code = plain.status == 413 || plain.status == 431 ? status_code::resource_exhausted
                                                           : status_code::invalid_argument;
    return options_->render_error(path, plain.status, status(code, std::move(message)));
  }

  void dispatch(const std::shared_ptr<connection>& conn, uint64_t sequence, http_request& request) {
    request.local_port = port_->load(std::memory_order_relaxed);
    request.client_ip = conn->client_ip;
    bool keep_alive = request.keep_alive;
    bool head_only = request.method == "HEAD";
    bool dated = options_->net_http_paths && options_->net_http_paths(request.raw_path);
    std::weak_ptr<connection> weak = conn;
    responder reply([weak, sequence, keep_alive, head_only, dated](http_response response) {
      if (dated) response.headers.emplace_back("Date", http_date(now_unix_s()));
      if (auto c = weak.lock())
        c->complete(sequence, serialize_response(std::move(response), keep_alive, head_only), keep_alive);
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
  connection_registry* registry_;
};

}  // namespace

struct http_server::impl {
  http_server_options options;
  request_handler handler;
  connection_registry registry;  // before the listener: its handlers use it until they are gone
  Pistache::Tcp::Listener listener;
  std::atomic<uint16_t> port{0};
  bool running = false;
  // The deadline sweep.
  std::thread sweeper;
  std::mutex sweeper_mutex;
  std::condition_variable sweeper_wake;
  bool stopping = false;

  void run_sweeper() {
    const auto& limits = options.limits;
    int64_t period = std::min(limits.request_head_deadline_ms, limits.idle_timeout_ms) / 4;
    period = std::clamp(period, k_min_sweep_period_ms, k_max_sweep_period_ms);
    std::unique_lock<std::mutex> lock(sweeper_mutex);
    while (!sweeper_wake.wait_for(lock, std::chrono::milliseconds(period), [this] { return stopping; })) {
      lock.unlock();
      sweep(registry, limits);
      lock.lock();
    }
  }
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
    auto handler = std::make_shared<tcp_handler>(&impl_->handler, &impl_->options, &impl_->port,
                                                 &impl_->registry);
    impl_->listener.setHandler(handler);
    impl_->listener.setTransportFactory(
        [handler] { return std::make_shared<single_read_transport>(handler); });
    impl_->listener.bind(Pistache::Address(o.host, Pistache::Port(o.port)));
    impl_->port = static_cast<uint16_t>(impl_->listener.getPort());
    impl_->listener.runThreaded();
  } catch (const std::exception& e) {
    return status::unavailable("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                               e.what());
  }
  impl_->running = true;
  impl_->stopping = false;
  impl_->sweeper = std::thread([raw = impl_.get()] { raw->run_sweeper(); });
  return {};
}

void http_server::stop() {
  if (!impl_->running) return;
  impl_->running = false;
  {
    std::lock_guard<std::mutex> lock(impl_->sweeper_mutex);
    impl_->stopping = true;
  }
  impl_->sweeper_wake.notify_all();
  if (impl_->sweeper.joinable()) impl_->sweeper.join();
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
