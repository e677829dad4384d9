#include "http/go_net_http.h"

#include <vector>

#include "http/request_parser.h"  // percent_decode

namespace mainspring::http {

namespace {

constexpr char k_upper_hex[] = "0123456789ABCDEF";

void append_escaped(std::string& out, unsigned char c) {
  out += '%';
  out += k_upper_hex[c >> 4];
  out += k_upper_hex[c & 0xf];
}

// Go's shouldEscape(c, encodePath) is false for these.
bool unescaped_in_path(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-_.~$&+,/:;=@").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::unordered_map<std::string, std::string> go_query_first_values(std::string_view target) {
  std::unordered_map<std::string, std::string> out;
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return out;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
    const std::size_t eq = pair.find('=');
    std::string key, value;
    if (!percent_decode(pair.substr(0, eq), &key, true)) continue;
    if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), &value, true)) continue;
    out.try_emplace(std::move(key), std::move(value));  // the first value stays
  }
  return out;
}

http_response net_http_refusal(int status, std::string_view detail) {
  std::string reason = reason_phrase(status);
  if (status == 501) return {501, "text/plain; charset=utf-8", "Unsupported transfer encoding", {}, reason};
  if (!detail.empty()) reason += ": " + std::string(detail);
  return {status, "text/plain; charset=utf-8", std::to_string(status) + " " + reason, {}, reason};
}

std::optional<http_response> net_http_options_star(const http_request& request) {
  if (request.method != "OPTIONS" || request.target != "*") return std::nullopt;
  return http_response{200, "", "", {}};
}

std::string go_path_clean(std::string_view path) {
  const bool rooted = !path.empty() && path.front() == '/';
  std::vector<std::string_view> kept;
  std::size_t from = 0;
  while (from <= path.size()) {
    std::size_t slash = path.find('/', from);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view segment = path.substr(from, slash - from);
    if (segment == "..") {
      if (!kept.empty() && kept.back() != "..") kept.pop_back();
      else if (!rooted) kept.push_back(segment);  // a relative path keeps what it cannot go above
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    from = slash + 1;
  }
  std::string out = rooted ? "/" : "";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  return out.empty() ? "." : out;
}

std::string go_escaped_path(std::string_view path) {
  std::string out;
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (unescaped_in_path(c)) out += ch;
    else append_escaped(out, c);
  }
  return out;
}

std::string go_redirect_location(std::string_view url, std::string_view request_path) {
  std::string joined;
  if (url.empty() || url.front() != '/') {
    if (request_path.empty()) request_path = "/";
    joined = std::string(request_path.substr(0, request_path.rfind('/') + 1));  // path.Split's dir
  }
  joined += url;
  std::string query;
  if (auto q = joined.find('?'); q != std::string::npos) {
    query = joined.substr(q);
    joined.resize(q);
  }
  const bool trailing = !joined.empty() && joined.back() == '/';
  std::string location = go_path_clean(joined);
  if (trailing && location.back() != '/') location += '/';
  location += query;
  // hexEscapeNonASCII
  std::string out;
  for (char ch : location) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) append_escaped(out, c);
    else out += ch;
  }
  return out;
}

}  // namespace mainspring::http
