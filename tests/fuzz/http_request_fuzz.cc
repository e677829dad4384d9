// Fuzzes http::request_parser (http/request_parser.h) with arbitrary bytes from a connection.
//
// Input: byte 0 picks the size of the reads the bytes arrive in (1..64, or all at once); the
// rest is the stream. Properties:
//  - no crash, no sanitizer report, no exception escapes;
//  - the outcome does not depend on how the stream was split: the same requests (method,
//    target, path, headers, body), and an error either way or neither, read all at once or in
//    small reads (the status may differ: a head both malformed and over the size cap is 400 or
//    431 depending on which the bytes that arrived show first);
//  - every error answer is a 4xx or 5xx and every request path starts with '/' (but OPTIONS *,
//    RFC 9112's asterisk-form);
//  - the body caps hold (no request body above the limit).
// Small limits make the size checks reachable with small inputs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/request_parser.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using mainspring::http::http_request;
using mainspring::http::http_response;
using mainspring::http::request_parser;

constexpr std::size_t k_fuzz_max_body_bytes = 4096;
constexpr std::size_t k_fuzz_max_head_bytes = 2048;

struct outcome {
  std::vector<std::string> requests;  // each request flattened
  int error_status = 0;               // 0 = no error
};

std::string flatten(const http_request& r) {
  std::string s = r.method + '\n' + r.target + '\n' + r.path + '\n';
  for (const auto& [name, value] : r.headers) s += name + ':' + value + '\n';
  s += std::to_string(r.version_minor) + (r.keep_alive ? "k" : "c") + '\n' + r.body;
  return s;
}

// Feeds `stream` in reads of `read_bytes` (0 = all at once) and drains the parser after each.
outcome parse(std::string_view stream, std::size_t read_bytes) {
  request_parser parser(k_fuzz_max_body_bytes, k_fuzz_max_head_bytes);
  outcome out;
  std::size_t at = 0;
  do {
    std::size_t n = read_bytes == 0 ? stream.size() : std::min(read_bytes, stream.size() - at);
    parser.feed(stream.substr(at, n));
    at += n;
    for (;;) {
      http_request req;
      http_response error;
      auto s = parser.next(&req, &error);
      if (s == request_parser::state::need_more) break;
      if (s == request_parser::state::error) {
        FUZZ_CHECK(error.status >= 400 && error.status <= 599);
        out.error_status = error.status;
        return out;
      }
      FUZZ_CHECK((!req.path.empty() && req.path[0] == '/') || (req.method == "OPTIONS" && req.target == "*"));
      FUZZ_CHECK(req.body.size() <= k_fuzz_max_body_bytes);
      out.requests.push_back(flatten(req));
    }
    parser.take_continue_request();
  } while (at < stream.size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t read_bytes = data[0] % 65;  // 0: all at once
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  outcome whole = parse(stream, 0);
  outcome pieces = parse(stream, read_bytes == 0 ? 1 : read_bytes);
  FUZZ_CHECK(whole.requests == pieces.requests);
  FUZZ_CHECK((whole.error_status == 0) == (pieces.error_status == 0));
  return 0;
}
