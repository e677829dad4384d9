#include "http/request_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mainspring::http {

namespace {

// tchar from RFC 9110 5.6.2: the characters of a method or a header name.
bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Does the comma-separated header value contain `token` (case-insensitively)?
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    auto comma = value.find(',');
    auto item = trim(value.substr(0, comma));
    if (to_lower(item) == token) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

// Strips the trailing '\r' of a line split at '\n' (bare LF line ends are accepted).
std::string_view strip_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Finds the end of the head: the index just past the empty line, or npos.
std::size_t find_head_end(std::string_view buf) {
  for (std::size_t pos = buf.find('\n'); pos != std::string_view::npos;
       pos = buf.find('\n', pos + 1)) {
    if (pos + 1 < buf.size() && buf[pos + 1] == '\n') return pos + 2;
    if (pos + 2 < buf.size() && buf[pos + 1] == '\r' && buf[pos + 2] == '\n') return pos + 3;
  }
  return std::string_view::npos;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Checks a request line; returns "" when fine, else the reason.
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
  if (version[5] != '1') return "505";
  if (target.empty()) return "empty request target";
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return "malformed request target";
  if (request) {
    request->method = std::string(method);
    request->target = std::string(target);
    request->version_minor = version[7] - '0';
  }
  return {};
}

std::string check_header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') return "obsolete header line folding";
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return "header line without a colon";
  if (!is_token(line.substr(0, colon))) return "malformed header name";
  return {};
}

// Splits "/path?a=1&b=2" into the decoded path and query. False on a bad escape.
bool split_target(std::string_view target, http_request* request) {
  // Absolute-form ("http://host/path") is accepted as RFC 9112 3.2.2 asks of servers.
  if (auto scheme = target.find("://"); scheme != std::string_view::npos && target[0] != '/') {
    auto slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  auto question = target.find('?');
  auto raw_path = target.substr(0, question);
  if (auto hash = raw_path.find('#'); hash != std::string_view::npos) raw_path = raw_path.substr(0, hash);
  if (!percent_decode(raw_path, &request->path, false)) return false;
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

}  // namespace

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

request_parser::state request_parser::fail(http_response* error, int status, std::string message) {
  *error = http_response::text(status, std::move(message) + "\n");
  buffer_.clear();
  have_head_ = false;
  return state::error;
}

bool request_parser::take_continue_request() {
  if (!have_head_ || !expects_continue_ || continue_sent_) return false;
  continue_sent_ = true;
  return true;
}

request_parser::state request_parser::validate_partial_head(http_response* error) {
  // Every complete line of an unfinished head is checked now, so that garbage gets its 400 at
  // once instead of after a header timeout.
  std::string_view buf(buffer_);
  // Blank lines before a request line are allowed (RFC 9112 2.2).
  while (buf.starts_with("\r\n") || buf.starts_with("\n")) buf.remove_prefix(buf[0] == '\r' ? 2 : 1);
  bool first = true;
  for (auto nl = buf.find('\n'); nl != std::string_view::npos; nl = buf.find('\n')) {
    auto line = strip_cr(buf.substr(0, nl));
    std::string why = first ? check_request_line(line, nullptr) : check_header_line(line);
    if (why == "505") return fail(error, 505, "HTTP version not supported");
    if (!why.empty()) return fail(error, 400, why);
    first = false;
    buf.remove_prefix(nl + 1);
  }
  if (buffer_.size() > max_head_bytes_)
    return fail(error, 431, "request head larger than " + std::to_string(max_head_bytes_) + " bytes");
  return state::need_more;
}

request_parser::state request_parser::parse_head(std::string_view head, http_response* error) {
  pending_ = http_request{};
  chunked_ = false;
  content_length_ = 0;
  expects_continue_ = continue_sent_ = false;
  while (head.starts_with("\r\n") || head.starts_with("\n")) head.remove_prefix(head[0] == '\r' ? 2 : 1);

  auto nl = head.find('\n');
  std::string why = check_request_line(strip_cr(head.substr(0, nl)), &pending_);
  if (why == "505") return fail(error, 505, "HTTP version not supported");
  if (!why.empty()) return fail(error, 400, why);
  if (!split_target(pending_.target, &pending_))
    return fail(error, 400, "malformed percent-encoding in request target");
  head.remove_prefix(nl + 1);

  bool have_length = false;
  for (nl = head.find('\n'); nl != std::string_view::npos; nl = head.find('\n')) {
    auto line = strip_cr(head.substr(0, nl));
    head.remove_prefix(nl + 1);
    if (line.empty()) break;
    if (auto bad = check_header_line(line); !bad.empty()) return fail(error, 400, bad);
    auto colon = line.find(':');
    std::string name = to_lower(line.substr(0, colon));
    std::string value(trim(line.substr(colon + 1)));
    if (name == "content-length") {
      std::size_t length = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
          !std::isdigit(static_cast<unsigned char>(value[0])))
        return fail(error, 400, "invalid Content-Length: must be a decimal number of bytes");
      if (have_length && length != content_length_)
        return fail(error, 400, "conflicting Content-Length headers");
      have_length = true;
      content_length_ = length;
    } else if (name == "transfer-encoding") {
      if (to_lower(value) != "chunked")
        return fail(error, 501, "unsupported Transfer-Encoding: " + value);
      chunked_ = true;
    } else if (name == "expect" && to_lower(value) == "100-continue") {
      expects_continue_ = true;
    }
    pending_.headers.emplace_back(std::move(name), std::move(value));
  }
  if (chunked_ && have_length)
    return fail(error, 400, "both Content-Length and Transfer-Encoding given");
  body_limit_ = body_limit_for_ ? body_limit_for_(pending_.path) : max_body_bytes_;
  if (content_length_ > body_limit_)
    return fail(error, 413, "request body larger than " + std::to_string(body_limit_) + " bytes");

  auto connection = pending_.header("connection");
  pending_.keep_alive = pending_.version_minor >= 1 ? !has_token(connection, "close")
                                                    : has_token(connection, "keep-alive");
  have_head_ = true;
  return state::need_more;
}

request_parser::state request_parser::read_body(http_request* request, http_response* error) {
  if (!chunked_) {
    if (buffer_.size() < content_length_) return state::need_more;
    pending_.body.assign(buffer_, 0, content_length_);
    buffer_.erase(0, content_length_);
  } else {
    // Decode as many complete chunks as have arrived; consume only once the last chunk is in.
    std::string body;
    std::size_t pos = 0;
    for (;;) {
      auto nl = buffer_.find('\n', pos);
      if (nl == std::string::npos) {
        if (buffer_.size() - pos > 1024) return fail(error, 400, "malformed chunk size line");
        return state::need_more;
      }
      std::string_view size_line = strip_cr(std::string_view(buffer_).substr(pos, nl - pos));
      size_line = size_line.substr(0, size_line.find(';'));  // chunk extensions are ignored
      size_line = trim(size_line);
      std::size_t size = 0;
      auto [end, ec] = std::from_chars(size_line.data(), size_line.data() + size_line.size(), size, 16);
      if (size_line.empty() || ec != std::errc() || end != size_line.data() + size_line.size())
        return fail(error, 400, "malformed chunk size");
      if (size > body_limit_ || body.size() + size > body_limit_)
        return fail(error, 413, "request body larger than " + std::to_string(body_limit_) + " bytes");
      pos = nl + 1;
      if (size == 0) {
        // Trailer section: skip lines up to the empty one.
        for (;;) {
          auto end_nl = buffer_.find('\n', pos);
          if (end_nl == std::string::npos) return state::need_more;
          bool empty = strip_cr(std::string_view(buffer_).substr(pos, end_nl - pos)).empty();
          pos = end_nl + 1;
          if (empty) break;
        }
        break;
      }
      if (buffer_.size() < pos + size + 1) return state::need_more;
      body.append(buffer_, pos, size);
      pos += size;
      if (buffer_.compare(pos, 2, "\r\n") == 0) pos += 2;
      else if (buffer_[pos] == '\n') pos += 1;
      else if (buffer_.size() < pos + 2) return state::need_more;
      else return fail(error, 400, "malformed chunk terminator");
    }
    pending_.body = std::move(body);
    buffer_.erase(0, pos);
  }
  have_head_ = false;
  *request = std::move(pending_);
  pending_ = http_request{};
  return state::request_ready;
}

request_parser::state request_parser::next(http_request* request, http_response* error) {
  if (!have_head_) {
    auto head_end = find_head_end(buffer_);
    if (head_end == std::string::npos) return validate_partial_head(error);
    if (head_end > max_head_bytes_)
      return fail(error, 431, "request head larger than " + std::to_string(max_head_bytes_) + " bytes");
    std::string head = buffer_.substr(0, head_end);
    buffer_.erase(0, head_end);
    if (parse_head(head, error) == state::error) return state::error;
  }
  return read_body(request, error);
}

}  // namespace mainspring::http
