#include "bench/http_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

namespace mainspring::bench {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

constexpr std::string_view k_scheme = "http://";
constexpr std::string_view k_default_port = "80";
// Big enough for a list of every job of a large load (Beast's default for answers is 8 MB).
constexpr uint64_t k_max_answer_bytes = uint64_t{1} << 30;
// Status line and headers of an answer (Beast's default is 8 KB).
constexpr std::uint32_t k_max_head_bytes = 64 * 1024;
// Request line and headers without path, host and body.
constexpr std::size_t k_request_head_bytes = 128;
// Room the read buffer starts with. Beast reads at most the buffer's spare capacity (at least 512
// bytes, at most 64 KiB) at a time and a flat_buffer does not grow past what was asked of it: an
// empty one read a 22 MB answer 512 bytes a recv, and took 270 ms for what a plain recv loop reads
// in 140.
constexpr std::size_t k_read_buffer_bytes = 64 * 1024;

// Splits "host:port", "[v6]:port", "host" into host and port. False when malformed.
bool split_authority(std::string_view authority, std::string* host, std::string* port) {
  std::string_view port_part;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    *host = authority.substr(1, close - 1);
    auto rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    port_part = rest.empty() ? rest : rest.substr(1);
  } else {
    auto colon = authority.rfind(':');
    *host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_part = authority.substr(colon + 1);
  }
  *port = port_part.empty() ? k_default_port : port_part;
  return !host->empty() && port->find_first_not_of("0123456789") == std::string::npos;
}

// A connection the server (or the network) closed under an exchange.
bool connection_lost(error_code ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

}  // namespace

// -- load_target --

std::optional<load_target> load_target::resolve(std::string_view base_url, std::string* error) {
  if (base_url.substr(0, k_scheme.size()) != k_scheme) {
    *error = "load client: the base URL must start with http:// (got \"" + std::string(base_url) + "\")";
    return std::nullopt;
  }
  auto rest = base_url.substr(k_scheme.size());
  auto slash = rest.find('/');
  load_target t;
  t.authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) t.path_prefix = rest.substr(slash);
  if (!split_authority(t.authority, &t.host, &t.port)) {
    *error = "load client: cannot read host and port in \"" + std::string(base_url) + "\"";
    return std::nullopt;
  }
  asio::io_context io{1};
  tcp::resolver resolver(io);
  error_code ec;
  auto found = resolver.resolve(t.host, t.port, tcp::resolver::numeric_service, ec);
  if (ec || found.empty()) {
    *error = "load client: cannot resolve " + t.host + ": " + (ec ? ec.message() : "no address");
    return std::nullopt;
  }
  for (const auto& entry : found) t.endpoints.push_back(entry.endpoint());
  return t;
}

std::string load_target::request_text(const http_call& call) const {
  std::string out;
  out.reserve(k_request_head_bytes + path_prefix.size() + call.path.size() + authority.size() +
              call.body.size());
  out.append(call.method).append(" ").append(path_prefix).append(call.path).append(" HTTP/1.1\r\nHost: ");
  out.append(authority).append("\r\n");
  if (!call.body.empty()) out.append("Content-Type: application/json\r\n");
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT")
    out.append("Content-Length: ").append(std::to_string(call.body.size())).append("\r\n");
  out.append("\r\n").append(call.body);
  return out;
}

// -- http_connection --

http_connection::http_connection(asio::io_context& io, const load_target& target,
                                 std::chrono::milliseconds request_timeout, answer_handler on_answer)
    : socket_(io), target_(target), timeout_(request_timeout), on_answer_(std::move(on_answer)) {
  buffer_.reserve(k_read_buffer_bytes);
}

void http_connection::send(std::string request) {
  request_ = std::move(request);
  parser_.reset();
  busy_ = true;
  retried_ = false;
  timed_out_ = false;
  expires_ = std::chrono::steady_clock::now() + timeout_;
  if (socket_.is_open()) write();
  else connect();
}

void http_connection::expire_if_past(std::chrono::steady_clock::time_point now) {
  if (!busy_ || timed_out_ || now < expires_) return;
  // The operation in flight ends with operation_aborted; failed() reports the timeout.
  timed_out_ = true;
  close();
}

void http_connection::abandon() {
  ++generation_;
  busy_ = false;
  close();
}

void http_connection::connect() {
  reused_ = false;
  buffer_.clear();
  asio::async_connect(socket_, target_.endpoints,
                      [this, g = generation_](error_code ec, const tcp::endpoint&) {
                        if (g != generation_) return;
                        if (ec) return failed(ec, "connect");
                        // Small requests and answers: do not let Nagle hold a request back.
                        socket_.set_option(tcp::no_delay(true), ec);
                        write();
                      });
}

void http_connection::write() {
  asio::async_write(socket_, asio::buffer(request_), [this, g = generation_](error_code ec, std::size_t) {
    if (g != generation_) return;
    if (ec) return failed(ec, "send");
    read();
  });
}

void http_connection::read() {
  parser_.emplace();
  parser_->body_limit(k_max_answer_bytes);
  parser_->header_limit(k_max_head_bytes);
  http::async_read(socket_, buffer_, *parser_, [this, g = generation_](error_code ec, std::size_t) {
    if (g != generation_) return;
    if (ec) return failed(ec, "read the answer");
    answered();
  });
}

void http_connection::answered() {
  http_result r;
  r.status = static_cast<long>(parser_->get().result_int());
  r.body = std::move(parser_->get().body());
  // Connection: close, HTTP/1.0 or an answer that ended with the connection: open anew next time.
  if (parser_->keep_alive()) reused_ = true;
  else close();
  deliver(std::move(r));
}

void http_connection::failed(error_code ec, std::string_view stage) {
  if (timed_out_) {
    http_result r;
    r.error = "no answer within the request timeout (" + std::to_string(timeout_.count()) + " ms)";
    close();
    return deliver(std::move(r));
  }
  const bool retry = worth_a_retry(ec);
  close();
  if (retry) {
    // A server may close a kept-alive connection while it is idle; we only learn it when the
    // next request hits the closed socket. Nothing of an answer came back, so most likely the
    // server never read the request: send it once more on a fresh connection (libcurl does too).
    retried_ = true;
    return connect();
  }
  http_result r;
  r.error = std::string(stage) + " (" + target_.authority + "): " + ec.message();
  deliver(std::move(r));
}

// Only on a connection that had already carried an exchange (a fresh one failing says something
// about the server), only once per request, and only when no byte of the answer arrived.
bool http_connection::worth_a_retry(error_code ec) const {
  return reused_ && !retried_ && connection_lost(ec) && !(parser_ && parser_->got_some());
}

void http_connection::close() {
  error_code ignored;
  socket_.close(ignored);
  reused_ = false;
}

void http_connection::deliver(http_result&& r) {
  busy_ = false;
  // Last: the handler may send the next request on this connection.
  on_answer_(std::move(r));
}

}  // namespace mainspring::bench
