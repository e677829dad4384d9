#include "http/system_routes.h"

#include <cctype>
#include <chrono>
#include <optional>
#include <string_view>

#include "http/go_net_http.h"


namespace mainspring::http {

namespace {

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

http_response render(const dispatch_options& options, const http_request& request, int http_status,
                     const status& error) {
  return options.render_error ? options.render_error(request.path, http_status, error) : json_error(http_status, error);
}

// `reply`, wrapped so that `observer` hears the status and the time to answer.
responder observed(responder reply, const request_observer& observer, std::string route,
                   std::string method) {
  auto start = std::chrono::steady_clock::now();
  return responder([inner = std::move(reply), observer, route = std::move(route),
                    method = std::move(method), start](http_response response) {
    int code = response.status;
    inner.send(std::move(response));
    observer(route, method, code,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  });
}

// Go's htmlEscape, for the link in a redirect's body.
std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// The path gin redirects from: the request's (decoded) path behind its X-Forwarded-Prefix, which
// gin cleans (path.Clean), cuts to letters, digits, '-' and '/', and rids of repeated slashes.
std::string gin_prefixed_path(const http_request& request) {
  std::string prefix = go_path_clean(request.header("x-forwarded-prefix"));
  if (prefix == ".") return request.path;  // no prefix (or an empty one)
  std::string safe;
  for (char c : prefix) {
    const bool kept = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '/';
    if (kept && !(c == '/' && !safe.empty() && safe.back() == '/')) safe += c;
  }
  return safe + "/" + request.path;
}

// gin's RedirectTrailingSlash: a path without a route whose twin with (or without) a trailing
// slash has one for this method is sent there (gin's redirectTrailingSlash, then Go's
// http.Redirect): GET with 301 and a small HTML body, other methods with 307 (which keeps the
// method and body). The Location is the prefixed path's twin as Go's url.URL writes it, the query
// as sent, cleaned as http.Redirect cleans it.
std::optional<http_response> trailing_slash_redirect(const router& r, const http_request& request,
                                                     const std::string& sent_path) {
  http_request twin;
  twin.method = request.method;
  twin.raw_path = sent_path.size() > 1 && sent_path.back() == '/' ? sent_path.substr(0, sent_path.size() - 1)
                                                                    : sent_path + "/";
  twin.path = twin.raw_path;
  if (!r.match(twin).handler) return std::nullopt;
  std::string path = gin_prefixed_path(request);
  path = path.size() > 1 && path.back() == '/' ? path.substr(0, path.size() - 1) : path + "/";
  std::string url = go_escaped_path(path);
  if (auto q = request.target.find('?'); q != std::string::npos) url += request.target.substr(q);
  const std::string location = go_redirect_location(url, path);
  const int code = request.method == "GET" ? 301 : 307;
  const bool html = request.method == "GET" || request.method == "HEAD";
  http_response moved{code, html ? "text/html; charset=utf-8" : "", "", {{"Location", location}}};
  if (request.method == "GET")
    moved.body = "<a href=\"" + html_escape(location) + "\">" + reason_phrase(code) + "</a>.\n\n";
  return moved;
}

}  // namespace

void add_system_routes(router& r, system_probe probe) {
  auto shared = std::make_shared<system_probe>(std::move(probe));
  r.add("GET", "/health", [shared](http_request&, responder reply) {
    nlohmann::json body{{"status", "ok"}, {"version", MAINSPRING_VERSION}};
    if (shared->health_details) body.update(shared->health_details());
    reply.send(http_response::json(200, dump_json(body)));
  });
  r.add("GET", "/ready", [shared](http_request&, responder reply) {
    auto reason = shared->not_ready_reason ? shared->not_ready_reason() : std::nullopt;
    if (reason) {
      reply.send(http_response::json(503, dump_json({{"ready", false}, {"reason", *reason}})));
      return;
    }
    reply.send(http_response::json(200, dump_json({{"ready", true}})));
  });
  if (shared->metrics_text) {
    r.add("GET", "/metrics", [shared](http_request&, responder reply) {
      reply.send({200, "text/plain; version=0.0.4; charset=utf-8", shared->metrics_text(), {}});
    });
  }
}


void dispatch(const router& r, http_request& request, responder reply,
              const dispatch_options& options) {
  auto m = r.match(request);
  if (options.observer && *options.observer)
    reply = observed(std::move(reply), *options.observer, m.route, request.method);
  if (options.guard) {
    auto verdict = options.guard->check(request);
    if (!verdict.refusal.ok()) return reply.send(render(options, request, 403, verdict.refusal));
    if (verdict.preflight) return reply.send(cors_preflight_response(request, verdict.allow_origin));
    if (!verdict.allow_origin.empty()) {
      reply = responder([inner = std::move(reply), origin = std::move(verdict.allow_origin)](
                            http_response response) {
        add_cors_headers(response, origin);
        inner.send(std::move(response));
      });
    }
  }
  if (options.answer_before_routing)
    if (auto early = options.answer_before_routing(request)) return reply.send(std::move(*early));
  if (m.handler) {
    if (options.keys)
      if (auto refusal = options.keys->admit(request, m.route); !refusal.ok())
        return reply.send(render(options, request, http_status_of_refusal(refusal), refusal));
    (*m.handler)(request, std::move(reply));
    return;
  }
  // The path as sent: decoded, "/v1/YM55%2Fjob/list" would read as a route that exists.
  const std::string& sent_path = request.raw_path.empty() ? request.path : request.raw_path;
  std::optional<http_response> moved;
  if (options.redirect_trailing_slash == slash_redirect::gin) moved = trailing_slash_redirect(r, request, sent_path);
  if (moved) return reply.send(std::move(*moved));
  if (options.answer_unrouted)
    if (auto answer = options.answer_unrouted(request, m.allow)) return reply.send(std::move(*answer));
  if (m.allow.empty()) {
    reply.send(render(options, request, 404, status::not_found("no route for " + request.method + " " + sent_path)));
    return;
  }
  auto response = render(options, request, 405,
                         status::invalid_argument("method " + request.method + " not allowed on " +
                                                  sent_path + "; allowed: " + m.allow));
  response.headers.emplace_back("Allow", m.allow);
  reply.send(std::move(response));
}

}  // namespace mainspring::http
