#include "http/ui/ui_routes.h"

#include <algorithm>
#include <string>

#include "http/native/envelope.h"
#include "http/ui/gzip_assets.h"
#include "http/ui/ui_assets.h"

namespace mainspring::http::ui {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

void add_security_headers(http_response& r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(k_ui_content_security_policy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

http_response redirect_home() {
  http_response r{302, "text/plain; charset=utf-8", "see /ui/\n", {}};
  r.headers.emplace_back("Location", std::string(k_ui_home));
  add_security_headers(r);
  return r;
}

// An If-None-Match naming `etag` (or "*"): the browser's copy is current.
bool client_has(const http_request& req, std::string_view etag) {
  std::string_view header = req.header("if-none-match");
  // Tags are quoted, so the plain tag is never found inside its "-gz" variant.
  return header == "*" || header.find(etag) != std::string_view::npos;
}

http_response serve(const http_request& req, std::string_view name) {
  const ui_asset* asset = find_ui_asset(name);
  if (!asset) {
    auto r = native::failure(status::not_found("no dashboard file " + std::string(name.substr(0, 64))));
    add_security_headers(r);
    return r;
  }
  const gzip_asset* gz = accepts_gzip(req.header("accept-encoding")) ? gzip_of(*asset) : nullptr;
  std::string_view etag = gz ? std::string_view(gz->etag) : asset->etag;
  http_response r{200, std::string(content_type_of(asset->name)), "", {}};
  if (client_has(req, etag)) r.status = 304;
  else r.body = gz ? gz->bytes : std::string(asset->bytes);
  if (gz) r.headers.emplace_back("Content-Encoding", "gzip");
  r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("ETag", std::string(etag));
  r.headers.emplace_back("Cache-Control", "no-cache");
  add_security_headers(r);
  return r;
}

}  // namespace

const ui_asset* find_ui_asset(std::string_view name) {
  auto assets = ui_assets();
  auto it = std::find_if(assets.begin(), assets.end(), [&](const ui_asset& a) { return a.name == name; });
  return it == assets.end() ? nullptr : &*it;
}

std::string_view content_type_of(std::string_view name) {
  if (ends_with(name, ".html")) return "text/html; charset=utf-8";
  if (ends_with(name, ".css")) return "text/css; charset=utf-8";
  if (ends_with(name, ".js")) return "text/javascript; charset=utf-8";
  if (ends_with(name, ".svg")) return "image/svg+xml";
  if (ends_with(name, ".json")) return "application/json; charset=utf-8";
  if (ends_with(name, ".png")) return "image/png";
  if (ends_with(name, ".ico")) return "image/x-icon";
  return "application/octet-stream";
}

void add_ui_routes(router& r) {
  r.add("GET", "/", [](http_request& req, responder reply) {
    if (req.header("accept").find("text/html") != std::string_view::npos) return reply.send(redirect_home());
    reply.send(native::failure(status::not_found("no route for GET /; the dashboard is at /ui/")));
  });
  r.add("GET", "/ui", [](http_request&, responder reply) { reply.send(redirect_home()); });
  r.add("GET", "/ui/", [](http_request& req, responder reply) { reply.send(serve(req, "index.html")); });
  r.add("GET", "/ui/{asset}", [](http_request& req, responder reply) {
    reply.send(serve(req, req.param("asset")));
  });
}

}  // namespace mainspring::http::ui
