// The HTTP request and response as every dialect sees them, free of Pistache types.
//
// The server (http_server) parses bytes into an http_request, routes it (router), and a handler
// answers with an http_response through a responder. Dialects build responses with the helpers
// here, e.g.
//   responder.send(http_response::json(200, R"({"success":"ok"})"));
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mainspring::http {

// The largest request body accepted (413 above it).
inline constexpr std::size_t k_max_body_bytes = 1024 * 1024;
// The largest request line + headers accepted (431 above it).
inline constexpr std::size_t k_max_head_bytes = 16 * 1024;

struct http_request {
  std::string method;  // "GET", as sent (methods are case-sensitive)
  std::string target;  // the raw request target, "/v1/YM55/job/list?limit=3"
  std::string path;    // percent-decoded path without the query, "/v1/YM55/job/list"
  // The path as sent, still percent-encoded: the router splits it into segments before decoding
  // each, so that "%2F" stays inside its segment. Empty: route on `path`.
  std::string raw_path;
  // Decoded; the last value of a repeated key (the first under net/http rules: request_parser.h).
  std::unordered_map<std::string, std::string> query;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;
  int version_minor = 1;    // HTTP/1.<minor>
  bool keep_alive = true;   // what the connection does after the response (RFC 9112 9.3)
  uint16_t local_port = 0;  // the port of the listener the request arrived on
  // Path parameters captured by the router ("group" -> "YM55").
  std::unordered_map<std::string, std::string> params;
  // The id of the API key that authorized the request (http/api_key_guard.h); "" = none.
  std::string api_key_id;
  // The peer's address ("127.0.0.1", "::1"), for the audit log; "" when no socket brought it.
  std::string client_ip;

  // The first header named `name` (lower-case), or "" when absent.
  std::string_view header(std::string_view name) const;
  // The path parameter or query value, or "" when absent.
  const std::string& param(const std::string& name) const;
  const std::string& query_value(const std::string& name) const;
};

struct http_response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // The status line's reason phrase; "" = reason_phrase(status). Sent as printable ASCII (other
  // bytes become '?'), at most k_max_reason_phrase_bytes: a dialect whose original puts its error
  // message there (tornado's HTTPError reason, which ndscheduler's UI shows).
  std::string reason;

  static http_response json(int status, std::string body);
  static http_response text(int status, std::string body);
};

inline constexpr std::size_t k_max_reason_phrase_bytes = 256;

// "OK", "Not Found", ... ("Unknown" for codes we never send).
const char* reason_phrase(int status);

// `unix_s` as an HTTP Date header writes it (RFC 9110 IMF-fixdate, Go's http.TimeFormat):
// "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(int64_t unix_s);

// The bytes on the wire: status line, Content-Type, Content-Length, Connection, extra headers and
// body. `keep_alive` false adds "Connection: close"; `head_only` leaves the body out (HEAD).
std::string serialize_response(const http_response& response, bool keep_alive,
                               bool head_only = false);
// The same, taking the body's buffer for the message instead of copying it.
std::string serialize_response(http_response&& response, bool keep_alive, bool head_only = false);

}  // namespace mainspring::http
