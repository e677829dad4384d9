// An incremental HTTP/1.x request parser for one connection, on Boost.Beast's request parser.
//
// Pistache 0.0.5's own parser hangs on malformed heads, answers a bad Content-Length with a 500
// carrying internal text, drops pipelined requests and closes HTTP/1.1 connections that did not
// ask for keep-alive. Mainspring therefore reads raw bytes from Pistache's TCP layer and parses
// them here. Two stages:
//  - every line of a request head is checked as soon as it is complete (RFC 9112: CRLF line ends,
//    no bare CR, no control characters in field values, no obsolete line folding, an origin-form
//    target), so that garbage gets its prompt 4xx instead of waiting for a blank line that never
//    comes;
//  - the complete head, then the body, go through boost::beast::http::request_parser, which does
//    the framing (Content-Length, chunked, trailers) in time linear in the bytes received.
// The request then has to name its Host (HTTP/1.1) and use no transfer coding but chunked.
//
// net/http rules, for the paths of a dialect whose original is a Go server (http/go_net_http.h):
// a bad %-escape in the query skips its pair only, as url.ParseQuery does (so does a pair holding
// ';'), and a key keeps its first value; a '#' is part of the path or query, as net/http cuts no
// fragment; and a refusal is net/http's own plain "400 Bad Request" (431, 501, 505 likewise),
// which a bad escape in the path also gets. A body over the limit is Mainspring's own 413 still.
//
// Example:
//   request_parser parser;
//   parser.feed(bytes_from_socket);
//   http_request req; http_response error;
//   for (;;) {
//     auto s = parser.next(&req, &error);
//     if (s == request_parser::state::need_more) break;
//     if (s == request_parser::state::error) { send(error); close(); break; }
//     handle(std::move(req));
//   }
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace mainspring::http {

// The longest chunk-size line (with its extensions) accepted in a chunked body (400 above it).
inline constexpr std::size_t k_max_chunk_line_bytes = 1024;
// The largest trailer section accepted after the last chunk (431 above it).
inline constexpr std::size_t k_max_trailer_bytes = 16 * 1024;

class request_parser {
 public:
  enum class state { need_more, request_ready, error };

  // -- constructors --
  // The body cap of a request may depend on its path (an import takes a larger archive):
  // `body_limit_for(path)`, when set, answers it; otherwise max_body_bytes applies.
  using body_limit_function = std::function<std::size_t(std::string_view path)>;
  // The paths whose original server was Go's net/http (`path` as sent, "" before the request
  // line is read): their targets are read, and their malformed requests refused, as net/http
  // does (see "net/http rules" below). Empty: none.
  using path_predicate = std::function<bool(std::string_view path)>;

  explicit request_parser(std::size_t max_body_bytes = k_max_body_bytes,
                          std::size_t max_head_bytes = k_max_head_bytes,
                          body_limit_function body_limit_for = {}, path_predicate net_http_paths = {});
  ~request_parser();
  request_parser(request_parser&&) noexcept;
  request_parser& operator=(request_parser&&) noexcept;

  // -- parsing --

  // Appends bytes received on the connection.
  void feed(std::string_view bytes);

  // Takes the next complete request out of the buffer into *request. On `error`, *error holds
  // the 4xx/5xx to send, after which the connection must be closed (the stream is out of sync).
  state next(http_request* request, http_response* error);
  // The path of the request the last error refused ("" when its request line was not read), so
  // that the answer can take the shape of the API it was meant for.
  const std::string& refused_path() const { return refused_path_; }
  // True when the last error's answer is net/http's own (net/http rules): it is sent as it is,
  // not in the shape of the dialect, whose handlers never see the request in the original.
  bool refusal_is_net_http() const { return refusal_is_net_http_; }

  // True once per request whose head asked "Expect: 100-continue" and whose body has not fully
  // arrived: the caller should then write "HTTP/1.1 100 Continue" so the client sends the body.
  bool take_continue_request();

  // -- properties --

  // Bytes received but not yet consumed (a body being read is consumed as it arrives).
  std::size_t buffered() const { return buffer_.size() - start_; }

  // True while part of a request head has arrived but not all of it (the slowloris window).
  bool reading_head() const { return !message_ && buffered() > 0; }

 private:
  struct message_state;  // Beast's parser of the request whose head is complete

  // `net_http_detail`: the text net/http's refusal adds, when it names why (net_http_refusal).
  state fail(http_response* error, int status, std::string message, std::string_view net_http_detail = {});
  state scan_head(http_response* error, std::size_t* head_end);
  state start_message(std::size_t head_end, http_response* error);
  state check_head(http_response* error);
  state read_message(http_request* request, http_response* error);
  std::string_view pending() const { return std::string_view(buffer_).substr(start_); }

  // -- member variables --
  std::size_t max_body_bytes_;
  std::size_t max_head_bytes_;
  body_limit_function body_limit_for_;
  path_predicate net_http_paths_;
  bool net_http_ = false;     // the request being read follows net/http rules
  bool refusal_is_net_http_ = false;  // see refusal_is_net_http()
  std::string buffer_;
  std::size_t start_ = 0;    // buffer_[start_..] is not consumed yet
  std::size_t scanned_ = 0;  // bytes of the unfinished head (from start_) whose lines are checked
  std::size_t head_begin_ = 0;  // where its request line starts, past any blank lines
  bool have_request_line_ = false;
  http_request head_;        // the request line of the head being scanned, then the whole head
  std::string refused_path_;  // see refused_path()
  std::size_t body_limit_ = 0;
  std::unique_ptr<message_state> message_;
};

// Percent-decodes `in` into *out; '+' becomes ' ' when `plus_is_space`. False on a bad escape.
bool percent_decode(std::string_view in, std::string* out, bool plus_is_space);

}  // namespace mainspring::http
