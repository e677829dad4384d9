#include "http/cloudtask/center_paths.h"

#include "http/cloudtask/replies.h"
#include "http/go_net_http.h"

namespace mainspring::http::cloudtask {

std::string mux_clean_path(std::string_view path) {
  if (path.empty()) return "/";
  std::string rooted = path.front() == '/' ? std::string(path) : "/" + std::string(path);
  std::string clean = go_path_clean(rooted);
  if (rooted.back() == '/' && clean != "/") clean += '/';
  return clean;
}

std::optional<http_response> center_clean_path_redirect(const http_request& request) {
  if (auto star = net_http_options_star(request)) return star;  // net/http's, before mux sees it
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

std::optional<http_response> center_unrouted_answer(const http_request& request, std::string_view allow) {
  if (is_web_path(request.path)) return std::nullopt;
  return allow.empty() ? mux_not_found() : mux_method_not_allowed();
}

}  // namespace mainspring::http::cloudtask
