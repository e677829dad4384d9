#include "http/router.h"

#include "http/request_parser.h"  // percent_decode

namespace mainspring::http {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

void router::add(std::string method, std::string_view pattern, request_handler handler) {
  route r;
  r.method = std::move(method);
  r.pattern = std::string(pattern);
  for (auto seg : split_path(pattern)) {
    bool param = seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
    if (!param) ++r.literal_count;
    r.segments.emplace_back(seg);
  }
  if (auto& last = r.segments.back(); last.ends_with("...}")) {
    r.takes_rest = true;
    last.erase(last.size() - 4, 3);  // "{name...}" -> "{name}"
  }
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

namespace {

// The segments of the request's path. Split as sent, then each decoded, so that "%2F" is a '/'
// inside a segment rather than a separator; a segment with a bad escape is kept as sent.
std::vector<std::string> request_segments(const http_request& request) {
  std::vector<std::string> out;
  bool raw = !request.raw_path.empty();
  for (auto seg : split_path(raw ? request.raw_path : request.path)) {
    std::string decoded;
    if (!raw || !percent_decode(seg, &decoded, false)) decoded = std::string(seg);
    out.push_back(std::move(decoded));
  }
  return out;
}

}  // namespace

route_match router::match(http_request& request) const {
  auto segments = request_segments(request);
  const bool head_by_get = request.method == "HEAD" && (!head_by_get_ || head_by_get_(request.path));
  const route* best = nullptr;
  std::string allow;
  for (const auto& r : routes_) {
    if (r.takes_rest ? segments.size() < r.segments.size() : r.segments.size() != segments.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; ok && i < r.segments.size(); ++i) {
      const auto& want = r.segments[i];
      bool param = want.size() >= 2 && want.front() == '{';
      bool rest = r.takes_rest && i + 1 == r.segments.size();
      ok = rest || (param ? !segments[i].empty() : want == segments[i]);
    }
    if (!ok) continue;
    bool method_ok = r.method == request.method || (r.method == "GET" && head_by_get);
    if (!method_ok) {
      if (allow.find(r.method) == std::string::npos) allow += (allow.empty() ? "" : ", ") + r.method;
      continue;
    }
    if (!best || r.literal_count > best->literal_count) best = &r;
  }
  route_match m;
  if (!best) {
    m.allow = std::move(allow);
    return m;
  }
  for (std::size_t i = 0; i < best->segments.size(); ++i) {
    const auto& want = best->segments[i];
    if (want.size() < 2 || want.front() != '{') continue;
    std::string value = std::move(segments[i]);
    if (best->takes_rest && i + 1 == best->segments.size())
      for (std::size_t k = i + 1; k < segments.size(); ++k) value += "/" + segments[k];
    request.params[want.substr(1, want.size() - 2)] = std::move(value);
  }
  m.handler = &best->handler;
  m.route = best->pattern;
  return m;
}

}  // namespace mainspring::http
