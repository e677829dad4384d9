// cross_site_guard: keeps web pages from driving a Mainspring listener through a user's browser.
//
// A browser lets any page send "simple" requests (a POST with a text/plain body, a form post) to
// 127.0.0.1 without asking anyone, and a DNS-rebinding page (evil.example re-pointed at
// 127.0.0.1) can even read the answers. Browsers mark such requests; curl, Go and Python clients
// do not. So the guard refuses
//   - a Host header that names neither a loopback host (localhost, *.localhost, 127.0.0.0/8,
//     ::1) nor the listener's own bind address (any IP literal when bound to a wildcard), with the
//     listener's port or none, nor a name listed in allowed_hosts: that is how DNS rebinding
//     looks;
//   - an Origin header (including "null") that is neither the listener's own origin
//     ("http://" + the Host the client reached) nor listed in allowed_origins;
//   - Sec-Fetch-Site: cross-site / same-site without an Origin to vouch for the request.
// A request with neither header (every non-browser client) passes; so does one without a Host
// (HTTP/1.0: browsers always send Host). An allowed foreign origin gets CORS headers, and its
// preflight (OPTIONS with Access-Control-Request-Method) is answered here.
//
// Example:
//   auto guard = cross_site_guard::make({.allowed_origins = {"https://ops.example"}}, "127.0.0.1");
//   cross_site_verdict v = guard->check(request);   // request.local_port: the listener's port
//   if (!v.refusal.ok()) return reply.send(render_403(v.refusal));
//   if (v.preflight) return reply.send(cors_preflight_response(request, v.allow_origin));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "http/http_message.h"

namespace mainspring::http {

// How long a browser may cache an allowed preflight.
inline constexpr int k_cors_preflight_max_age_s = 600;
// The longest Access-Control-Request-Headers echoed back in a preflight answer.
inline constexpr std::size_t k_max_cors_request_headers_bytes = 1024;

struct cross_site_options {
  // Origins besides the listener's own that may call it from a browser: "https://ops.example",
  // "http://localhost:3000" (scheme, host and port; no path).
  std::vector<std::string> allowed_origins;
  // Host names besides the loopback ones: "sched.example" (any port) or "sched.example:8443".
  std::vector<std::string> allowed_hosts;
};

struct cross_site_verdict {
  status refusal;            // ok: serve the request; permission_denied: refuse it (403)
  std::string allow_origin;  // the origin to name in Access-Control-Allow-Origin, or ""
  bool preflight = false;    // an allowed CORS preflight: answer it with cors_preflight_response
};

// "host[:port]" as found in a Host header or a flag; host lower-cased, brackets and a trailing
// dot removed, IP literals in canonical form ("[0:0::1]" -> "::1").
struct authority {
  std::string host;
  std::optional<uint16_t> port;
};
status_or<authority> parse_authority(std::string_view text);

// "scheme://host[:port]" (an Origin header or --allowed-origin); the port defaults to the
// scheme's (http 80, https 443). A trailing "/" is tolerated; any other path is an error.
struct web_origin {
  std::string scheme;  // "http" or "https"
  std::string host;    // as in authority
  uint16_t port = 0;

  bool operator==(const web_origin& o) const {
    return scheme == o.scheme && host == o.host && port == o.port;
  }
  std::string to_string() const;  // "http://[::1]:8080", the default port left out
};
status_or<web_origin> parse_origin(std::string_view text);

// localhost, *.localhost, 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104 (host as parse_authority
// gives it).
bool is_loopback_host(std::string_view host);

class cross_site_guard {
 public:
  // Fails with invalid_argument naming the bad --allowed-origin / --allowed-host value.
  // `bind_host` is the address the listener is bound to ("127.0.0.1", "::", "0.0.0.0", ...).
  static status_or<cross_site_guard> make(const cross_site_options& options,
                                          std::string_view bind_host);

  // The verdict on `request`, which arrived on port request.local_port.
  cross_site_verdict check(const http_request& request) const;

 private:
  status check_host(const http_request& request, std::optional<authority>* reached) const;
  bool host_is_allowed(const authority& host, uint16_t listener_port) const;

  // -- member variables --
  std::vector<web_origin> allowed_origins_;
  std::vector<authority> allowed_hosts_;  // port empty: any port
  std::string bind_host_;                 // canonical, as parse_authority gives it
  bool bind_is_wildcard_ = false;
};

// The answer to an allowed preflight: 204 with Access-Control-Allow-{Origin,Methods,Headers}.
http_response cors_preflight_response(const http_request& request, const std::string& origin);
// Sets Access-Control-Allow-Origin: origin (replacing one the response has) and adds Vary: Origin.
void add_cors_headers(http_response& response, const std::string& origin);

}  // namespace mainspring::http
