// An incremental HTTP/1.x request parser for one connection.
//
// Pistache 0.0.5's own parser hangs on malformed heads, answers a bad Content-Length with a 500
// carrying internal text, drops pipelined requests and closes HTTP/1.1 connections that did not
// ask for keep-alive. Mainspring therefore reads raw bytes from Pistache's TCP layer and parses
// them here: every malformed head gets a prompt 4xx, as soon as the bad line is complete.
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
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace mainspring::http {

class request_parser {
 public:
  enum class state { need_more, request_ready, error };

  // -- constructors --
  // The body cap of a request may depend on its path (an import takes a larger archive):
  // `body_limit_for(path)`, when set, answers it; otherwise max_body_bytes applies.
  using body_limit_function = std::function<std::size_t(std::string_view path)>;

  explicit request_parser(std::size_t max_body_bytes = k_max_body_bytes,
                          std::size_t max_head_bytes = k_max_head_bytes,
                          body_limit_function body_limit_for = {})
      : max_body_bytes_(max_body_bytes),
        max_head_bytes_(max_head_bytes),
        body_limit_for_(std::move(body_limit_for)) {}

  // -- parsing --

  // Appends bytes received on the connection.
  void feed(std::string_view bytes) { buffer_.append(bytes.data(), bytes.size()); }

  // Takes the next complete request out of the buffer into *request. On `error`, *error holds
  // the 4xx/5xx to send, after which the connection must be closed (the stream is out of sync).
  state next(http_request* request, http_response* error);

  // True once per request whose head asked "Expect: 100-continue" and whose body has not fully
  // arrived: the caller should then write "HTTP/1.1 100 Continue" so the client sends the body.
  bool take_continue_request();

  // Bytes received but not yet consumed.
  std::size_t buffered() const { return buffer_.size(); }

 private:
  state fail(http_response* error, int status, std::string message);
  state parse_head(std::string_view head, http_response* error);
  state validate_partial_head(http_response* error);
  state read_body(http_request* request, http_response* error);

  // -- member variables --
  std::size_t max_body_bytes_;
  std::size_t max_head_bytes_;
  body_limit_function body_limit_for_;
  std::size_t body_limit_ = 0;  // of the request being read
  std::string buffer_;
  // The request whose head has been parsed and whose body is still arriving, if any.
  bool have_head_ = false;
  http_request pending_;
  bool chunked_ = false;
  std::size_t content_length_ = 0;
  bool expects_continue_ = false;
  bool continue_sent_ = false;
};

// Percent-decodes `in` into *out; '+' becomes ' ' when `plus_is_space`. False on a bad escape.
bool percent_decode(std::string_view in, std::string* out, bool plus_is_space);

}  // namespace mainspring::http
