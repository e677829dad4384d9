#include "http/request_parser.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "core/utf8.h"
#include "http/go_net_http.h"
#include "http/header_text.h"

namespace mainspring::http {

namespace beast_http = boost::beast::http;
using boost::beast::error_code;

namespace {

// A string body that grows as its bytes arrive. Beast's string_body reserves the whole announced
// Content-Length up front, which would let a client that sends a head alone make the server
// allocate up to the path's cap (256 MiB on an import route) per connection.
struct growing_string_body {
  using value_type = std::string;

  class reader {
   public:
    template <bool is_request, class Fields>
    reader(beast_http::header<is_request, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>&, error_code& ec) { ec = {}; }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, error_code& ec) {
      std::size_t n = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        boost::asio::const_buffer b = *it;
        body_.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      ec = {};
      return n;
    }

    void finish(error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

// tchar from RFC 9110 5.6.2: the characters of a method or a header name.
bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

bool iequals(std::string_view a, std::string_view b) { return ascii_lowercase(a) == ascii_lowercase(b); }

// Client-controlled text quoted in an error message, cut short.
std::string quoted(std::string_view text) {
  constexpr std::size_t k_max_quoted_bytes = 64;
  return "\"" + std::string(text.substr(0, k_max_quoted_bytes)) + "\"";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "http://host/path" or "https://...": the absolute-form RFC 9112 3.2.2 asks servers to accept.
bool is_absolute_form(std::string_view target) {
  return iequals(target.substr(0, 7), "http://") || iequals(target.substr(0, 8), "https://");
}

// RFC 9112 3.2: origin-form ("/path?query") for every method, "*" for OPTIONS alone, and the
// absolute-form; the authority-form is CONNECT's, which no route takes.
std::string check_target_form(std::string_view method, std::string_view target) {
  if (target.front() == '/' || is_absolute_form(target)) return {};
  if (target == "*") return method == "OPTIONS" ? "" : "the request target \"*\" is only for OPTIONS";
  return "the request target must start with '/'";
}

// Checks a request line (without its CRLF); returns "" when fine, "505", or the reason of a 400.
std::string check_request_line(std::string_view line, http_request* request) {
  auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return "malformed request line";
  auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return "malformed request line";
  auto method = line.substr(0, sp1);
  auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto version = line.substr(sp2 + 1);
  if (!is_token(method)) return "malformed method";
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      !std::isdigit(static_cast<unsigned char>(version[5])) ||
      !std::isdigit(static_cast<unsigned char>(version[7])))
    return "malformed HTTP version";
  if (version[5] != '1' || version[7] > '1') return "505";
  if (target.empty()) return "empty request target";
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return "malformed request target";
  if (auto why = check_target_form(method, target); !why.empty()) return why;
  request->method = std::string(method);
  request->target = std::string(target);
  request->version_minor = version[7] - '0';
  return {};
}

// Checks a header line (without its CRLF): a token name, a colon, and a value without control
// characters (RFC 9110 5.5: a NUL or a bare CR in a value is an error); "" when fine.
std::string check_header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') return "obsolete header line folding";
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return "header line without a colon";
  auto name = line.substr(0, colon);
  if (!is_token(name)) return "malformed header name";
  for (char c : line.substr(colon + 1)) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f)
      return "header " + quoted(name) + ": control character in its value";
  }
  return {};
}

// The origin-form of `target`: an absolute-form target's path and query ("http://h/a?b" is
// "/a?b").
std::string_view origin_form(std::string_view target) {
  if (!is_absolute_form(target)) return target;
  auto slash = target.find('/', target.find("://") + 3);
  return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
}

// The path of `target` as sent, up to its query, '#' and all: what the listener's net/http paths
// are told.
std::string_view path_as_sent(std::string_view target) {
  target = origin_form(target);
  return target.substr(0, target.find('?'));
}

// Splits "/path?a=1&b=2" into the raw path, the decoded path and the decoded query. False on a
// bad escape (under net/http rules: in the path only; see the header).
bool split_target(std::string_view target, http_request* request, bool net_http) {
  target = origin_form(target);
  auto question = target.find('?');
  auto raw_path = target.substr(0, question);
  if (auto hash = raw_path.find('#'); hash != std::string_view::npos && !net_http) raw_path = raw_path.substr(0, hash);
  request->raw_path = std::string(raw_path);
  if (!percent_decode(raw_path, &request->path, false)) return false;
  if (net_http) {
    request->query = go_query_first_values(target);
    return true;
  }
  if (question == std::string_view::npos) return true;
  auto query = target.substr(question + 1);
  if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto item = query.substr(0, amp);
    if (!item.empty()) {
      auto eq = item.find('=');
      std::string key, value;
      if (!percent_decode(item.substr(0, eq), &key, true)) return false;
      if (eq != std::string_view::npos && !percent_decode(item.substr(eq + 1), &value, true))
        return false;
      request->query[key] = std::move(value);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return true;
}

// Does the unconsumed rest of a chunked body start with the last chunk ("0", maybe after the
// previous chunk's CRLF)? Then what is still pending is the trailer section.
bool at_last_chunk(std::string_view rest) {
  if (rest.starts_with("\r\n")) rest.remove_prefix(2);
  auto digits = rest.find_first_not_of('0');
  return digits != 0 && digits != std::string_view::npos && (rest[digits] == '\r' || rest[digits] == ';');
}

// Does the unconsumed rest of a chunked body hold a whole chunk-size line (after the previous
// chunk's CRLF)? Beast parses a whole line it accepts at once, so one it leaves is malformed: an
// unterminated quoted string in a chunk extension ("5;x=\"" CRLF) makes it wait for a closing
// quote when the line arrives whole, and read on when it arrives in pieces, so that the same
// bytes were refused or left waiting depending on how they were split (fuzz: http_request).
bool holds_whole_line(std::string_view rest) {
  if (rest.starts_with("\r\n")) rest.remove_prefix(2);
  return rest.find("\r\n") != std::string_view::npos;
}

}  // namespace

struct request_parser::message_state {
  beast_http::request_parser<growing_string_body> parser;
  bool expects_continue = false;
  bool continue_sent = false;
};

bool percent_decode(std::string_view in, std::string* out, bool plus_is_space) {
  out->clear();
  out->reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

request_parser::request_parser(std::size_t max_body_bytes, std::size_t max_head_bytes,
                               body_limit_function body_limit_for, path_predicate net_http_paths)
    : max_body_bytes_(max_body_bytes),
      max_head_bytes_(max_head_bytes),
      body_limit_for_(std::move(body_limit_for)),
      net_http_paths_(std::move(net_http_paths)) {}

request_parser::~request_parser() = default;
request_parser::request_parser(request_parser&&) noexcept = default;
request_parser& request_parser::operator=(request_parser&&) noexcept = default;

void request_parser::feed(std::string_view bytes) {
  // Drop what is consumed before appending, so the buffer holds only unparsed bytes.
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ > buffer_.size() / 2) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes.data(), bytes.size());
}

request_parser::state request_parser::fail(http_response* error, int status, std::string message,
                                           std::string_view net_http_detail) {
  // Before its request line is read, a request's path is not known yet.
  const bool request_line_read = have_request_line_ || message_;
  const bool net_http = request_line_read ? net_http_ : net_http_paths_ && net_http_paths_("");
  // A body over the limit is a limit of Mainspring's own, which net/http has not.
  refusal_is_net_http_ = net_http && status != 413;
  *error = refusal_is_net_http_ ? net_http_refusal(status, net_http_detail)
                                : http_response::text(status, std::move(message) + "\n");
  buffer_.clear();
  start_ = scanned_ = 0;
  have_request_line_ = false;
  net_http_ = false;
  refused_path_ = std::move(head_.path);
  head_ = http_request{};
  message_.reset();
  return state::error;
}

bool request_parser::take_continue_request() {
  if (!message_ || !message_->expects_continue || message_->continue_sent ||
      message_->parser.is_done())
    return false;
  message_->continue_sent = true;
  return true;
}

request_parser::state request_parser::next(http_request* request, http_response* error) {
  if (!message_) {
    std::size_t head_end = 0;
    if (auto s = scan_head(error, &head_end); s != state::request_ready) return s;
    if (start_message(head_end, error) == state::error) return state::error;
  }
  return read_message(request, error);
}

// Checks every complete line of the head not checked yet, so that garbage gets its 4xx at once
// instead of after the head deadline. `request_ready` here means: the head is complete and ends
// at pending()[*head_end].
request_parser::state request_parser::scan_head(http_response* error, std::size_t* head_end) {
  std::string_view bytes = pending();
  for (auto nl = bytes.find('\n', scanned_); nl != std::string_view::npos;
       nl = bytes.find('\n', scanned_)) {
    std::string_view line = bytes.substr(scanned_, nl - scanned_);
    bool blank_before_request_line = !have_request_line_ && (line.empty() || line == "\r");
    if (line.empty() && !blank_before_request_line)
      return fail(error, 400, "a line of the request head ends with a bare LF instead of CRLF");
    if (!line.empty()) {
      if (line.back() != '\r')
        return fail(error, 400, "a line of the request head ends with a bare LF instead of CRLF");
      line.remove_suffix(1);
    }
    if (line.find('\r') != std::string_view::npos)
      return fail(error, 400, "bare CR in the request head");
    scanned_ = nl + 1;
    if (blank_before_request_line) {
      // RFC 9112 2.2: blank lines before a request line are ignored (they count as head bytes).
      head_begin_ = scanned_;
      continue;
    }
    if (!have_request_line_) {
      std::string why = check_request_line(line, &head_);
      if (why == "505") return fail(error, 505, "HTTP version not supported", "unsupported protocol version");
      if (!why.empty()) return fail(error, 400, why);
      net_http_ = net_http_paths_ && net_http_paths_(path_as_sent(head_.target));
      have_request_line_ = true;
      if (!split_target(head_.target, &head_, net_http_))
        return fail(error, 400, "malformed percent-encoding in request target");
      continue;
    }
    if (line.empty()) {
      if (scanned_ > max_head_bytes_) break;
      *head_end = scanned_;
      return state::request_ready;
    }
    if (auto why = check_header_line(line); !why.empty()) return fail(error, 400, why);
  }
  if (bytes.size() > max_head_bytes_)
    return fail(error, 431, "request head larger than " + std::to_string(max_head_bytes_) + " bytes");
  return state::need_more;
}

namespace {

// The longest part of a request's path a refusal quotes.
constexpr std::size_t k_max_quoted_path_bytes = 200;

// The answer to a request Beast refuses; `fields` are those read so far, `head` the request line.
// A 413 names the request ("... (POST /api/job/createJob)"): its limit depends on the path.
std::pair<int, std::string> refusal(const error_code& ec, const beast_http::fields& fields,
                                    std::size_t body_limit, std::size_t head_limit, const http_request& head) {
  using beast_http::error;
  // The header Beast refuses is not among `fields` yet: the one already there says why.
  const bool has_length = fields.count(beast_http::field::content_length) > 0;
  const bool has_encoding = fields.count(beast_http::field::transfer_encoding) > 0;
  const bool both_framings = (ec == error::bad_content_length && has_encoding) ||
                             (ec == error::bad_transfer_encoding && has_length) || (has_length && has_encoding);
  if (ec == error::body_limit)
    return {413, "request body larger than " + std::to_string(body_limit) + " bytes (" + head.method + " " +
                     utf8_prefix(head.path, k_max_quoted_path_bytes) + ")"};
  if (ec == error::header_limit)
    return {431, "request head larger than " + std::to_string(head_limit) + " bytes"};
  if (both_framings && (ec == error::bad_content_length || ec == error::bad_transfer_encoding))
    return {400, "both Content-Length and Transfer-Encoding given"};
  if (ec == error::bad_content_length && has_length) return {400, "Content-Length given more than once"};
  if (ec == error::bad_content_length)
    return {400, "invalid Content-Length: must be a decimal number of bytes"};
  if (ec == error::bad_transfer_encoding) return {400, "invalid Transfer-Encoding"};
  if (ec == error::bad_chunk || ec == error::bad_chunk_extension)
    return {400, "malformed chunked body"};
  return {400, "malformed request"};
}

}  // namespace

// Hands the complete head to Beast, which reads its fields, then checks what Beast leaves to us.
request_parser::state request_parser::start_message(std::size_t head_end, http_response* error) {
  body_limit_ = body_limit_for_ ? body_limit_for_(head_.path) : max_body_bytes_;
  message_ = std::make_unique<message_state>();
  auto& parser = message_->parser;
  parser.header_limit(static_cast<std::uint32_t>(max_head_bytes_));
  parser.body_limit(static_cast<std::uint64_t>(body_limit_));
  parser.eager(false);  // stop after the head: check it before reading any body
  start_ += head_begin_;
  std::size_t head_size = head_end - head_begin_;
  head_begin_ = scanned_ = 0;
  have_request_line_ = false;

  error_code ec;
  std::size_t used = parser.put(boost::asio::const_buffer(buffer_.data() + start_, head_size), ec);
  start_ += used;
  if (!ec && !parser.is_header_done()) ec = beast_http::error::need_more;  // cannot happen
  if (ec) {
    auto [status, message] = refusal(ec, parser.get().base(), body_limit_, max_head_bytes_, head_);
    return fail(error, status, std::move(message));
  }
  return check_head(error);
}

// What RFC 9112 asks beyond Beast's framing checks: one Host in HTTP/1.1, and no transfer
// coding but chunked (501).
request_parser::state request_parser::check_head(http_response* error) {
  auto& parser = message_->parser;
  const auto& message = parser.get();
  using beast_http::field;
  if (auto te = message.count(field::transfer_encoding); te > 0) {
    if (message.count(field::content_length) > 0)
      return fail(error, 400, "both Content-Length and Transfer-Encoding given");
    if (message.version() < 11) return fail(error, 400, "Transfer-Encoding in an HTTP/1.0 request");
    auto value = message[field::transfer_encoding];
    if (te > 1 || !iequals(std::string_view(value.data(), value.size()), "chunked"))
      return fail(error, 501, "unsupported Transfer-Encoding: " + quoted({value.data(), value.size()}));
  }
  auto hosts = message.count(field::host);
  if (hosts > 1) return fail(error, 400, "more than one Host header", "too many Host headers");
  if (hosts == 0 && message.version() >= 11)
    return fail(error, 400, "missing Host header: an HTTP/1.1 request must name its host",
                "missing required Host header");

  for (const auto& f : message) {
    auto name = f.name_string();
    auto value = f.value();
    head_.headers.emplace_back(ascii_lowercase({name.data(), name.size()}), std::string(value.data(), value.size()));
  }
  head_.keep_alive = message.keep_alive();
  auto expect = message[field::expect];
  message_->expects_continue = iequals({expect.data(), expect.size()}, "100-continue");
  parser.eager(true);
  return state::need_more;
}

// Feeds what has arrived of the body to Beast; on the last byte, hands the request out.
request_parser::state request_parser::read_message(http_request* request, http_response* error) {
  auto& parser = message_->parser;
  if (!parser.is_done()) {
    std::string_view bytes = pending();
    if (bytes.empty()) return state::need_more;
    error_code ec;
    start_ += parser.put(boost::asio::const_buffer(bytes.data(), bytes.size()), ec);
    if (ec && ec != beast_http::error::need_more) {
      auto [status, message] = refusal(ec, parser.get().base(), body_limit_, max_head_bytes_, head_);
      return fail(error, status, std::move(message));
    }
    if (!parser.is_done()) {
      // Beast consumes chunk data as it comes; what stays is a chunk-size line or the trailers,
      // which it would otherwise wait for without bound.
      std::string_view rest = pending();
      if (at_last_chunk(rest) && rest.size() > k_max_trailer_bytes)
        return fail(error, 431, "trailer section larger than " + std::to_string(k_max_trailer_bytes) + " bytes");
      if (!at_last_chunk(rest) && (rest.size() > k_max_chunk_line_bytes || holds_whole_line(rest)))
        return fail(error, 400, "malformed chunk size line");
      return state::need_more;
    }
  }
  head_.body = std::move(parser.get().body());
  *request = std::move(head_);
  head_ = http_request{};
  message_.reset();
  net_http_ = false;
  return state::request_ready;
}

}  // namespace mainspring::http
