#include "http/cross_site_guard.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "http/header_text.h"

namespace mainspring::http {

namespace {

constexpr std::size_t k_max_host_bytes = 255;  // a DNS name's limit

// The canonical text of an IPv4 or IPv6 literal, or nullopt when `host` is not one.
std::optional<std::string> canonical_ip(const std::string& host) {
  char text[INET6_ADDRSTRLEN];
  unsigned char bytes[16];
  // glibc's inet_pton takes only a.b.c.d, each part 0-255 with no leading zero: what it accepts
  // is already canonical. inet_ntop (a sprintf) was 1.5% of a create's instructions (every request
  // checks its Host).
  if (inet_pton(AF_INET, host.c_str(), bytes) == 1) return host;
  if (inet_pton(AF_INET6, host.c_str(), bytes) == 1 && inet_ntop(AF_INET6, bytes, text, sizeof text))
    return std::string(text);
  return std::nullopt;
}

bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > k_max_host_bytes) return false;
  return std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == '_';
  });
}

status bad_authority(std::string_view text) {
  return status::invalid_argument("\"" + std::string(text.substr(0, 80)) + "\" is not host[:port]");
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

status_or<authority> parse_authority(std::string_view text) {
  std::string_view host = text;
  std::string_view port_text;
  bool bracketed = !text.empty() && text.front() == '[';
  if (bracketed) {
    auto close = text.find(']');
    if (close == std::string_view::npos) return bad_authority(text);
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad_authority(text);
      port_text = rest.substr(1);
      if (port_text.empty()) return bad_authority(text);
    }
  } else if (auto colon = text.find(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (port_text.empty()) return bad_authority(text);
  }
  authority out;
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
      return bad_authority(text);
    out.port = static_cast<uint16_t>(port);
  }
  out.host = ascii_lowercase(host);
  if (!bracketed && !out.host.empty() && out.host.back() == '.') out.host.pop_back();
  if (auto ip = canonical_ip(out.host)) {
    // Brackets are for IPv6 literals only, and an IPv6 literal needs them.
    if (bracketed != (ip->find(':') != std::string::npos)) return bad_authority(text);
    out.host = *ip;
  } else if (bracketed || !is_host_name(out.host)) {
    return bad_authority(text);
  }
  return out;
}

std::string web_origin::to_string() const {
  std::string text = scheme + "://";
  text += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) text += ":" + std::to_string(port);
  return text;
}

status_or<web_origin> parse_origin(std::string_view text) {
  auto bad = [&] {
    return status::invalid_argument("\"" + std::string(text.substr(0, 80)) +
                                    "\" is not an origin (scheme://host[:port])");
  };
  auto sep = text.find("://");
  if (sep == std::string_view::npos) return bad();
  web_origin out;
  out.scheme = ascii_lowercase(text.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") return bad();
  auto rest = text.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#@") != std::string_view::npos) return bad();
  auto host = parse_authority(rest);
  if (!host.ok()) return bad();
  out.host = host->host;
  out.port = host->port.value_or(out.scheme == "https" ? 443 : 80);
  return out;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || ends_with(host, ".localhost")) return true;
  unsigned char bytes[16];
  std::string text(host);
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return bytes[0] == 127;
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return false;
  static const unsigned char k_loopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char k_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(bytes, bytes + 16, k_loopback6)) return true;
  return std::equal(bytes, bytes + 12, k_mapped_prefix) && bytes[12] == 127;
}

status_or<cross_site_guard> cross_site_guard::make(const cross_site_options& options,
                                                   std::string_view bind_host) {
  cross_site_guard guard;
  for (const auto& text : options.allowed_origins) {
    auto origin = parse_origin(text);
    if (!origin.ok()) return status::invalid_argument("--allowed-origin: " + origin.status().message());
    guard.allowed_origins_.push_back(std::move(origin).value());
  }
  for (const auto& text : options.allowed_hosts) {
    auto host = parse_authority(text);
    if (!host.ok()) return status::invalid_argument("--allowed-host: " + host.status().message());
    guard.allowed_hosts_.push_back(std::move(host).value());
  }
  std::string bind = ascii_lowercase(bind_host);
  if (bind.size() >= 2 && bind.front() == '[' && bind.back() == ']') bind = bind.substr(1, bind.size() - 2);
  guard.bind_host_ = canonical_ip(bind).value_or(bind);
  guard.bind_is_wildcard_ = guard.bind_host_.empty() || guard.bind_host_ == "0.0.0.0" ||
                            guard.bind_host_ == "::";
  return guard;
}

bool cross_site_guard::host_is_allowed(const authority& host, uint16_t listener_port) const {
  for (const auto& allowed : allowed_hosts_)
    if (allowed.host == host.host && (!allowed.port || allowed.port == host.port)) return true;
  // Loopback names and the listener's own address: with this listener's port, or none (raw
  // clients often leave it out; no DNS-rebinding page can send a name that is not its own).
  if (host.port && *host.port != listener_port) return false;
  if (is_loopback_host(host.host) || host.host == bind_host_) return true;
  // Bound to every address: any IP literal is one of ours (DNS rebinding needs a name).
  return bind_is_wildcard_ && canonical_ip(host.host).has_value();
}

status cross_site_guard::check_host(const http_request& request,
                                    std::optional<authority>* reached) const {
  auto header = request.header("host");
  if (header.empty()) return {};  // HTTP/1.0 without Host: not a browser
  auto host = parse_authority(header);
  if (!host.ok() || !host_is_allowed(*host, request.local_port))
    return status::permission_denied(
        "request refused: Host \"" + std::string(header.substr(0, 80)) +
        "\" is not this server's name (a DNS-rebinding page looks like this); "
        "start the server with --allowed-host to allow it");
  *reached = std::move(host).value();
  return {};
}

cross_site_verdict cross_site_guard::check(const http_request& request) const {
  cross_site_verdict verdict;
  std::optional<authority> reached;
  if (verdict.refusal = check_host(request, &reached); !verdict.refusal.ok()) return verdict;

  auto origin_header = request.header("origin");
  if (origin_header.empty()) {
    auto site = ascii_lowercase(request.header("sec-fetch-site"));
    if (site == "cross-site" || site == "same-site")
      verdict.refusal = status::permission_denied(
          "request refused: a " + site + " browser request without an Origin header");
    return verdict;
  }
  auto refuse = [&] {
    verdict.refusal = status::permission_denied(
        "request refused: Origin \"" + std::string(origin_header.substr(0, 80)) +
        "\" may not call this server from a browser; start the server with --allowed-origin to "
        "allow it");
    return verdict;
  };
  auto origin = parse_origin(origin_header);  // "null" and garbage fail here
  if (!origin.ok()) return refuse();
  bool own = reached && origin->scheme == "http" && origin->host == reached->host &&
             origin->port == reached->port.value_or(80);
  bool listed = std::find(allowed_origins_.begin(), allowed_origins_.end(), *origin) !=
                allowed_origins_.end();
  if (!own && !listed) return refuse();
  verdict.allow_origin = std::string(origin_header);
  verdict.preflight = request.method == "OPTIONS" &&
                      !request.header("access-control-request-method").empty();
  return verdict;
}

void add_cors_headers(http_response& response, const std::string& origin) {
  // A dialect that always answers "*" (Cronicle, Cloudtask) has set one already: a browser
  // refuses an answer with two values, so the allowed origin replaces it.
  std::erase_if(response.headers, [](const auto& header) {
    return ascii_lowercase(header.first) == "access-control-allow-origin";
  });
  response.headers.emplace_back("Access-Control-Allow-Origin", origin);
  response.headers.emplace_back("Vary", "Origin");
}

http_response cors_preflight_response(const http_request& request, const std::string& origin) {
  http_response response{204, "text/plain; charset=utf-8", "", {}};
  add_cors_headers(response, origin);
  response.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  auto wanted = request.header("access-control-request-headers");
  if (!wanted.empty() && wanted.size() <= k_max_cors_request_headers_bytes)
    response.headers.emplace_back("Access-Control-Allow-Headers", std::string(wanted));
  response.headers.emplace_back("Access-Control-Max-Age", std::to_string(k_cors_preflight_max_age_s));
  return response;
}

}  // namespace mainspring::http
