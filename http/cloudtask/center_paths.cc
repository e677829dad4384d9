#include "http/cloudtask/center_paths.h"

#include <vector>

#include "http/cloudtask/replies.h"

namespace mainspring::http::cloudtask {

namespace {

// Go's path.Clean (the lexical rules of Plan 9's cleanname), for a path that starts with '/'.
std::string go_path_clean_rooted(std::string_view path) {
  std::vector<std::string_view> kept;
  std::size_t from = 0;
  while (from <= path.size()) {
    std::size_t slash = path.find('/', from);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(from, slash - from);
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();  // a rooted path has nothing above "/"
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    from = slash + 1;
  }
  std::string out;
  for (std::string_view segment : kept) {
    out += '/';
    out += segment;
  }
  return out.empty() ? "/" : out;
}

bool unescaped_in_path(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-_.~$&+,/:;=@").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string mux_clean_path(std::string_view path) {
  if (path.empty()) return "/";
  std::string rooted = path.front() == '/' ? std::string(path) : "/" + std::string(path);
  std::string clean = go_path_clean_rooted(rooted);
  if (rooted.back() == '/' && clean != "/") clean += '/';
  return clean;
}

std::string go_escaped_path(std::string_view path) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (unescaped_in_path(c)) {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0xf];
    }
  }
  return out;
}

std::optional<http_response> center_clean_path_redirect(const http_request& request) {
  if (is_web_path(request.path)) return std::nullopt;
  std::string clean = mux_clean_path(request.path);
  if (clean == request.path) return std::nullopt;
  // url.URL.String(): the cleaned path, then "?" and the raw query when the target had a '?'.
  std::string location = go_escaped_path(clean);
  if (auto q = request.target.find('?'); q != std::string::npos) location += request.target.substr(q);
  return http_response{301, "", "", {{"Location", location}}};
}

http_response mux_not_found() {
  return http_response{404, "text/plain; charset=utf-8", "404 page not found\n", {{"X-Content-Type-Options", "nosniff"}}};
}

http_response mux_method_not_allowed() { return http_response{405, "", "", {}}; }

}  // namespace mainspring::http::cloudtask
